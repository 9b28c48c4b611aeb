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
            ("TTFT", TtftText(e)),
            ("TPOT", $"{Ms(e.TpotMs)} per output token ({Figures.Number(1000 / e.TpotMs, "0.#")} tokens/s per user){(e.PrefillShare is { } share ? $"; the prompts arriving at {Figures.Number(e.OfferedRequestsPerS ?? 0, "0.###")} requests/s take {Figures.Percent(share)} of each instance's time" : string.Empty)}"),
            ("Throughput", $"{Figures.Number(e.OutputTokensPerSPerGpu, "0.#")} output tokens/s per GPU, {Figures.Number(e.TotalTokensPerSPerGpu, "0.#")} total (input + output)"),
            ("Physics bounds", $"decode at most {Figures.Number(e.Bounds.ComputeOutputTokensPerSPerGpu, "0")} tokens/s per GPU by compute ({Figures.Number(e.Bounds.PeakTflops, "0.#")} TFLOPS x efficiency / 2 x active parameters), {Figures.Number(e.Bounds.BandwidthOutputTokensPerSPerGpu, "0")} by memory bandwidth at this batch"),
            ("Source", file),
        };
        if (profilesFile is not null)
        {
            facts.Add(("Profiles", ProfilesText(e, profilesFile)));
        }

        if (e.Disaggregation is { } d)
        {
            facts.Insert(0, ("Layout", Disaggregated(d)));
        }

        doc.Facts(facts);

        Sections(doc, e);
        doc.Bullets("Assumptions", e.Assumptions);
        doc.Bullets("Warnings", e.Warnings);
        return doc;
    }

    /// <summary>A disaggregated layout in one line.</summary>
    public static string Disaggregated(ParaPlan.CostModel.Disaggregation.DisaggregationReport d) =>
        $"{d.Layout}, {d.Gpus} GPUs: prefill {Pool(d.Prefill)}, decode {Pool(d.Decode)}";

    private static string Pool(ParaPlan.CostModel.Disaggregation.PoolReport p) =>
        string.Create(CultureInfo.InvariantCulture, $"tp{p.Instance.Tp} sp{p.Instance.Sp} dp{p.Instance.Dp} pp{p.Instance.Pp} ep{p.Instance.Ep} x {p.Instances} ({p.Gpus} GPUs)");

    /// <summary>The pools, the KV transfer and the flow of a disaggregated estimate.</summary>
    public static void DisaggregationSection(ReportDocument doc, EstimateResult e)
    {
        if (e.Disaggregation is not { } d)
        {
            return;
        }

        doc.Heading($"Prefill/decode disaggregation ({d.Layout})", 2);
        doc.Table(
            ["Pool", "Instance", "Instances>", "GPUs>", "Memory per GPU (GB)>", "Use", "Capacity"],
            [
                ["prefill", Pool(d.Prefill), Figures.Whole(d.Prefill.Instances), Figures.Whole(d.Prefill.Gpus), Figures.Number(d.Prefill.Memory.Total, "0.0"), Figures.Percent(d.Prefill.Utilization), $"{Figures.Number(d.Prefill.Capacity, "0")} prompt tokens/s"],
                ["decode", Pool(d.Decode), Figures.Whole(d.Decode.Instances), Figures.Whole(d.Decode.Gpus), Figures.Number(d.Decode.Memory.Total, "0.0"), Figures.Percent(d.Decode.Utilization), $"{Figures.Number(d.Decode.Capacity, "0")} sequences"],
            ]);
        KvTransferReportText(doc, d);
    }

    private static void KvTransferReportText(ReportDocument doc, ParaPlan.CostModel.Disaggregation.DisaggregationReport d)
    {
        var kv = d.KvTransfer;
        doc.Facts(
            ("Requests/s", $"{Figures.Number(d.RequestsPerS, "0.###")} ({(d.Bottleneck == "neither" ? "the workload's" : $"limited by the {d.Bottleneck} pool")}); {Figures.Number(d.DecodeSequences, "0")} sequences decoding; prompts wait {Ms(d.PrefillQueueMs)} for a prefill instance on average"),
            ("KV transfer", $"{Figures.Number(kv.BytesPerRequestGb, "0.###")} GB per longest prompt over {kv.Link} at {Figures.Number(kv.BandwidthGbps, "0.#")} GB/s: {Ms(kv.TransferMs)}, {Ms(kv.ExposedMs)} of it in TTFT (overlap: {kv.Overlap})"),
            ("Source", kv.Source));
    }

    /// <summary>The analytical TTFT in words: what it means depends on how the requests arrive.</summary>
    public static string TtftText(EstimateResult e) => e.Disaggregation is not null
        ? $"{Ms(e.TtftMs)} at the longest prompt: prefill queue, prefill, KV transfer, first decode step (mean {Ms(e.MeanTtftMs)})"
        : e.Arrival switch
    {
        "burst" => $"{Ms(e.TtftMs)} until every request of the burst has its first token (mean {Ms(e.MeanTtftMs)})",
        "closed_loop" => $"{Ms(e.TtftMs)} in the steady state, longest prompt (mean {Ms(e.MeanTtftMs)}; {Ms(e.BurstTtftMs)} if all {e.Concurrency} arrived at once)",
        _ => $"{Ms(e.TtftMs)} mean at {Figures.Number(e.OfferedRequestsPerS ?? 0, "0.###")} requests/s, longest prompt{(e.AnalyticalSaturated ? " (SATURATED by the analytical path: the most sequences that fit drain fewer requests than arrive)" : string.Empty)}",
    };

    /// <summary>The simulation's figures: percentiles, request rates, Little's law's terms, KV pool use.</summary>
    public static void Simulation(ReportDocument doc, EstimateResult e)
    {
        if (e.Simulation is not { } s)
        {
            return;
        }

        doc.Heading($"Serving the workload, simulated request by request ({Figures.Whole(s.Requests)} requests, seed {s.Seed})", 2);
        doc.Table(
            ["Latency (ms)", "mean>", "P50>", "P90>", "P99>"],
            [
                Row("TTFT", s.Latency.TtftMs),
                Row("TPOT", s.Latency.TpotMs),
                Row("inter-token (ITL)", s.Latency.ItlMs),
                Row("end to end", s.Latency.E2eMs),
            ]);
        doc.Facts(
            ("Requests/s", $"{Figures.Number(s.AchievedRequestsPerS, "0.###")} served of {Figures.Number(s.OfferedRequestsPerS, "0.###")} offered; goodput {Figures.Number(s.GoodputRequestsPerS, "0.###")} ({Figures.Percent(s.GoodFraction)} of the requests meet every per-request target)"),
            ("In flight", $"{Figures.Number(s.MeanRunningSequences, "0.#")} requests in the deployment on average, {Figures.Number(s.MeanBatchSequences, "0.#")} of them in the engines' batches"),
            ("KV pool", $"{Figures.Percent(s.MeanKvPoolUse)} in use on average, {Figures.Percent(s.PeakKvPoolUse)} at the peak; {Figures.Whole(s.Preemptions)} preemptions{(s.RejectedRequests > 0 ? $"; {Figures.Whole(s.RejectedRequests)} requests never fit and were dropped" : string.Empty)}"),
            ("Run", s.Cut ? $"CUT at the bound of 20 million events: {Figures.Whole(s.Requests)} requests asked for, the figures are those finished by then" : $"{Figures.Whole(s.Steps)} engine steps"),
            ("Saturated", s.Saturated ? $"YES: the queue waiting for admission grows by {Figures.Number(s.BacklogGrowth, "0.###")} per request sent; the offered rate is more than this deployment drains" : "no"));

        static IReadOnlyList<string> Row(string name, LatencySummary l) =>
            [name, Figures.Number(l.Mean, "0.#"), Figures.Number(l.P50, "0.#"), Figures.Number(l.P90, "0.#"), Figures.Number(l.P99, "0.#")];
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
        DisaggregationSection(doc, e);
        Simulation(doc, e);

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
