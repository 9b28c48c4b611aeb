using System.Globalization;
using ParaPlan.CostModel;
using ParaPlan.Planning;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Rendering;

/// <summary>The human report of <c>paraplan plan</c>: what the hand-written seed plans attempt, with correct numbers.</summary>
internal static class PlanReportBuilder
{
    /// <summary>GPUs listed one by one in the mapping; beyond this the first replica is listed and the rest summarised.</summary>
    private const int MappingRows = 64;

    /// <param name="plan">The plan.</param>
    /// <param name="conditions">The scenario's conditions as read.</param>
    /// <param name="profilesFile">The <c>--profiles</c> file laid over the built-in profiles, if any: the report then names the entries used.</param>
    public static ReportDocument Build(PlanResult plan, ScenarioCheck conditions, string? profilesFile = null)
    {
        EstimateResult b = plan.Best;
        StrategySummary p = b.Parallel;
        var doc = new ReportDocument();
        doc.Heading($"Deployment plan: {b.Model} on {b.Gpu} ({b.Engine})");
        doc.Paragraph(plan.Infeasible is null
            ? $"Feasible. Best for the objective '{plan.Objective}' among {Figures.Whole(plan.Search.Feasible)} feasible of {Figures.Whole(plan.Search.Evaluated)} costed candidates."
            : $"NOT FEASIBLE: {plan.Infeasible}. The closest candidate is shown.");

        doc.Heading("Conditions", 2);
        var facts = new List<(string Label, string Value)>
        {
            ("Model", $"{conditions.Model.Name}: {Figures.Parameters(conditions.Model.TotalParameters)} total, {Figures.Parameters(conditions.Model.ActiveParameters)} active per token, {conditions.Model.NumHiddenLayers} layers"),
            ("GPU", $"{conditions.Gpu.Name}, {Figures.Number(conditions.Gpu.MemoryGb)} GB, {Figures.Number(conditions.Gpu.MemoryBandwidthTbps)} TB/s; {(conditions.Gpus is { } n ? $"{n} available" : $"ample (searched up to {plan.Search.GpuBudget})")}, {conditions.GpusPerNode} per node"),
            ("Precision", $"weights {conditions.Precision.Weights}{CheckReportBuilder.PrecisionModules(conditions.Precision)}, KV cache {conditions.Precision.KvCache}"),
            ("Workload", conditions.Workload.Description),
            ("Requirements", ConditionText.Requirements(conditions.Requirements)),
        };
        if (profilesFile is not null)
        {
            facts.Add(("Profiles", EstimateReportBuilder.ProfilesText(b, profilesFile)));
        }

        doc.Facts(facts);

        doc.Heading("Chosen strategy", 2);
        doc.Facts(
            ("Strategy", b.Disaggregation is { } pd
                ? EstimateReportBuilder.Disaggregated(pd)
                : string.Create(CultureInfo.InvariantCulture, $"tp {p.Tp}, sp {p.Sp}, dp {p.Dp}, pp {p.Pp}, ep {p.Ep}, replicas {p.Replicas}: {p.Gpus} GPUs ({p.Gpus / p.Replicas} per instance)")),
            ("Concurrency", $"{b.Concurrency} sequences in flight"),
            ("TTFT", EstimateReportBuilder.TtftText(b)),
            ("TPOT", $"{EstimateReportBuilder.Ms(b.TpotMs)} at the mean context, {EstimateReportBuilder.Ms(b.TpotLongestPromptMs)} with the longest prompts ({Figures.Number(1000 / b.TpotMs, "0.#")} tokens/s per user)"),
            ("Throughput", $"{Figures.Number(b.OutputTokensPerSPerGpu, "0.#")} output tokens/s per GPU, {Figures.Number(b.TotalTokensPerSPerGpu, "0.#")} total; {Figures.Number(b.OutputTokensPerSPerGpu * p.Gpus, "0")} output tokens/s in all"),
            ("Memory", $"{Figures.Number(b.MemoryPerGpuGb.Total, "0.0")} of {Figures.Number(b.MemoryPerGpuGb.Limit, "0.0")} GB allowed per GPU"));
        doc.Paragraph("Reproduce these figures with:");
        doc.Code(plan.Reproduce);
        doc.Bullets("Engines compared (engine: any), the chosen first", plan.EngineChoice);
        if (plan.Layouts is { } layouts)
        {
            doc.Heading("Aggregated or disaggregated", 2);
            doc.Facts(
                ("Aggregated", layouts.Aggregated),
                ("Disaggregated", layouts.Disaggregated),
                ("Verdict", layouts.Why),
                ("Searched", $"{Figures.Whole(layouts.Evaluated)} disaggregated layouts costed, {Figures.Whole(layouts.Feasible)} feasible, in {Figures.Number(layouts.ElapsedMs, "0")} ms"));
        }

        doc.Bullets("Why not the runners-up", plan.Why);
        doc.Bullets("Misses (closest candidate)", plan.Misses.Select(m => m.Detail));
        doc.Bullets("What would make it feasible", plan.Suggestions);

        EstimateReportBuilder.Sections(doc, b);

        doc.Heading("GPU mapping", 2);
        IEnumerable<GpuAssignment> rows = plan.Mapping.Count <= MappingRows ? plan.Mapping : plan.Mapping.Where(a => a.Replica == 0).Take(MappingRows);
        doc.Table(
            ["GPU>", "Node>", "Replica>", "Stage>", "dp>", "sp>", "tp>", "ep>", "Layers", "Heads (KV)", "Experts"],
            rows.Select(a => (IReadOnlyList<string>)
            [
                I(a.Gpu), I(a.Node), a.Pool is { } pool ? $"{pool} {I(a.Replica)}" : I(a.Replica), I(a.Stage), I(a.DpRank), I(a.SpRank), I(a.TpRank), I(a.EpRank),
                a.Layers + (a.HoldsEmbedding ? " +embedding" : string.Empty) + (a.HoldsLmHead ? " +lm_head" : string.Empty),
                $"{a.AttentionHeads} ({a.KvHeads})",
                a.Experts.Count == 0 ? "-" : $"{a.Experts}{(b.Moe is { ExpertTensorParallel: > 1 } ? $" slice {a.ExpertSlice}" : string.Empty)}",
            ]));
        if (plan.Mapping.Count > MappingRows)
        {
            doc.Paragraph($"{plan.Mapping.Count} GPUs in all; the JSON output lists every one. Replicas repeat replica 0's layout on the next GPUs.");
        }

        ModuleDivisionCheck md = plan.ModuleDivision;
        doc.Heading("Module division", 2);
        doc.Paragraph(md.Passed
            ? $"Passed: {md.Gpus} GPUs; each replica's {md.LayerShards} layers are held by exactly one stage; within every attention group each head is held once ({Figures.Whole(md.AttentionShardsPerReplica)} attention shards, attention replicated {md.AttentionReplication}x by sp x dp by design); within every stage each expert slice is held once ({Figures.Whole(md.ExpertShardsPerReplica)} expert shards); every GPU holds layers."
            : "FAILED: " + string.Join("; ", md.Problems));

        doc.Heading("Launch settings", 2);
        foreach (EngineLaunch launch in plan.Launch)
        {
            doc.Paragraph($"{launch.Engine}{(launch.Expressible ? string.Empty : " (cannot express this plan exactly)")}:");
            doc.Code(launch.Command);
            doc.Bullets(null, launch.Notes);
        }

        if (plan.Pareto.Count > 0)
        {
            doc.Heading("Pareto front: output tokens/s per GPU vs tokens/s per user", 2);
            doc.Table(
                ["Strategy", "GPUs>", "Concurrency>", "Tokens/s per user>", "Output tokens/s per GPU>", "TTFT>"],
                plan.Pareto.Select(e => (IReadOnlyList<string>)
                [
                    Name(e.Parallel), I(e.Parallel.Gpus), I(e.Concurrency), Figures.Number(1000 / e.TpotMs, "0.#"),
                    Figures.Number(e.OutputTokensPerSPerGpu, "0.#"), EstimateReportBuilder.Ms(e.TtftMs),
                ]));
        }

        doc.Heading("Search", 2);
        doc.Paragraph($"{Figures.Whole(plan.Search.Evaluated)} candidates costed, {Figures.Whole(plan.Search.Feasible)} feasible, in {Figures.Number(plan.Search.ElapsedMs, "0")} ms (GPU budget {plan.Search.GpuBudget}).");
        doc.Table(["Rejected because", "Count>"], plan.Search.Rejected.OrderByDescending(r => r.Value).Select(r => (IReadOnlyList<string>)[r.Key, Figures.Whole(r.Value)]));
        doc.Bullets("Assumptions", b.Assumptions);
        doc.Bullets("Warnings", b.Warnings);
        return doc;
    }

    private static string Name(StrategySummary p) =>
        string.Create(CultureInfo.InvariantCulture, $"tp{p.Tp} sp{p.Sp} dp{p.Dp} pp{p.Pp} ep{p.Ep} x{p.Replicas}");

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
