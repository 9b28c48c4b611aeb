using System.Globalization;
using ParaPlan.CostModel;

namespace ParaPlan.Cli.Rendering;

/// <summary>The human report of <c>paraplan estimate</c>.</summary>
internal static class EstimateReportBuilder
{
    /// <param name="e">The estimate.</param>
    /// <param name="file">The scenario file.</param>
    /// <param name="profilesFile">The <c>--profiles</c> file laid over the built-in profiles, if any: the report then names the entries used.</param>
    public static ReportDocument Build(EstimateResult e, string file, string? profilesFile = null)
    {
        var doc = new ReportDocument();
        var p = e.Parallel;
        doc.Heading($"Estimate: {e.Model} on {p.Gpus} x {e.Gpu} ({e.Engine})");
        var facts = new List<(string Label, string Value)>
        {
            ("Strategy", string.Create(CultureInfo.InvariantCulture, $"tp {p.Tp}, sp {p.Sp}, dp {p.Dp}, pp {p.Pp}, ep {p.Ep}, replicas {p.Replicas} = {p.Gpus} GPUs")),
            ("Concurrency", $"{e.Concurrency} sequences ({Figures.Number(e.RunningSequencesPerGroup, "0.#")} running per {(p.Dp > 1 ? "DP group" : "instance")}; memory allows {Figures.Whole(e.ConcurrencyLimitByMemory)})"),
            ("TTFT", $"{Ms(e.TtftMs)} until every request has its first token (mean {Ms(e.MeanTtftMs)})"),
            ("TPOT", $"{Ms(e.TpotMs)} per output token ({Figures.Number(1000 / e.TpotMs, "0.#")} tokens/s per user)"),
            ("Throughput", $"{Figures.Number(e.OutputTokensPerSPerGpu, "0.#")} output tokens/s per GPU, {Figures.Number(e.TotalTokensPerSPerGpu, "0.#")} total (input + output)"),
            ("Physics bounds", $"decode at most {Figures.Number(e.Bounds.ComputeOutputTokensPerSPerGpu, "0")} tokens/s per GPU by compute ({Figures.Number(e.Bounds.PeakTflops, "0.#")} TFLOPS x efficiency / 2 x active parameters), {Figures.Number(e.Bounds.BandwidthOutputTokensPerSPerGpu, "0")} by memory bandwidth at this batch"),
            ("Source", file),
        };
        if (profilesFile is not null)
        {
            facts.Add(("Profiles", ProfilesText(e, profilesFile)));
        }

        doc.Facts(facts);

        Sections(doc, e);
        doc.Bullets("Assumptions", e.Assumptions);
        doc.Bullets("Warnings", e.Warnings);
        return doc;
    }

    /// <summary>What <c>--profiles</c> laid over the built-in profiles, and the entries the estimate used.</summary>
    public static string ProfilesText(EstimateResult e, string profilesFile) =>
        $"{profilesFile} laid over the built-in profiles; entries used: {e.EfficiencyProfile}";

    /// <summary>Memory, checks, the two phase breakdowns, expert load and communication: shared with the plan report.</summary>
    public static void Sections(ReportDocument doc, EstimateResult e)
    {
        MemoryPerGpu m = e.MemoryPerGpuGb;
        doc.Heading("Memory per GPU (busiest stage, GB)", 2);
        doc.Table(
            ["Part", "GB>", "Detail"],
            [
                ["weights", Gb(m.Weights), $"attention {Gb(m.AttentionWeights)}, experts {Gb(m.ExpertWeights)}, dense FFN / shared {Gb(m.DenseWeights)}, embeddings {Gb(m.EmbeddingWeights)}"],
                ["KV cache", Gb(m.KvCache), $"{Figures.Number(m.KvCachePerSequenceMb, "0.#")} MB per sequence at the longest context"],
                ["activations", Gb(m.Activations), "peak of one prefill chunk (estimate)"],
                ["runtime", Gb(m.Runtime), "CUDA context, NCCL buffers, CUDA graphs"],
                ["total", Gb(m.Total), $"of {Gb(m.Limit)} allowed ({Gb(m.Capacity)} on the GPU)"],
            ]);

        doc.Heading("Checks", 2);
        doc.Table(["Check", "Result", "Detail"], e.Checks.Select(c => (IReadOnlyList<string>)[c.Name, c.Passed ? "pass" : "FAIL", c.Detail]));

        Phase(doc, $"Decode step ({Figures.Number(e.Decode.TokensPerStep, "0.#")} tokens per step, per stage): where the time goes", e.Decode);
        Phase(doc, $"Prefill for TTFT ({e.Prefill.Steps} chunk(s) of {Figures.Number(e.Prefill.TokensPerStep, "0")} tokens): where the time goes", e.Prefill);

        if (e.Moe is { } moe)
        {
            doc.Heading("Expert load", 2);
            doc.Facts(
                ("Experts per GPU", $"{Figures.Number(moe.ExpertsPerGpu, "0.##")} (each split {Figures.Number(moe.ExpertTensorParallel, "0.##")} ways)"),
                ("Busiest EP rank", $"{Figures.Number(moe.DecodeImbalance, "0.00")}x the mean load in decode, {Figures.Number(moe.PrefillImbalance, "0.00")}x in prefill"),
                ("Experts touched per decode step", Figures.Percent(moe.DecodeActivatedExpertFraction)));
        }

        if (e.Communication.Count > 0)
        {
            doc.Heading("Communication groups", 2);
            doc.Table(
                ["Group", "Collective", "GPUs>", "Link", "Decode MB/step/GPU>", "Prefill MB/chunk/GPU>"],
                e.Communication.Select(c => (IReadOnlyList<string>)[c.Name, c.Collective, c.Ranks.ToString(CultureInfo.InvariantCulture), c.Link, Figures.Number(c.DecodeBytesPerGpu / 1e6, "0.###"), Figures.Number(c.PrefillBytesPerGpu / 1e6, "0.###")]));
        }
    }

    private static void Phase(ReportDocument doc, string title, PhaseCost phase)
    {
        doc.Heading(title, 2);
        double total = phase.Operators.Sum(o => o.TimeMs);
        doc.Table(
            ["Operator", "Runs>", "Time ms>", "Share>", "Bound", "GFLOP>", "MB>"],
            phase.Operators
                .OrderByDescending(o => o.TimeMs)
                .Select(o => (IReadOnlyList<string>)
                [
                    o.Operator, o.Count.ToString(CultureInfo.InvariantCulture), Figures.Number(o.TimeMs, "0.###"),
                    total > 0 ? Figures.Percent(o.TimeMs / total) : "-", o.Bound, Figures.Number(o.Flops / 1e9, "0.#"), Figures.Number(o.Bytes / 1e6, "0.#"),
                ])
                .Append(["total", string.Empty, Figures.Number(total, "0.###"), "100%", string.Empty, string.Empty, string.Empty]));
    }

    public static string Ms(double ms) => ms >= 1000 ? Figures.Number(ms / 1000, "0.00") + " s" : Figures.Number(ms, "0.0") + " ms";

    private static string Gb(double gb) => Figures.Number(gb, "0.00");
}
