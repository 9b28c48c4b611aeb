using System.Globalization;
using ParaPlan.CostModel.Profiles;
using ParaPlan.CostModel.Serving;
using ParaPlan.Domain;
using ParaPlan.Reports;

namespace ParaPlan.CostModel.Disaggregation;

/// <summary>
/// The cost of a prefill/decode disaggregated deployment (docs/disaggregation.md), from the same per-operator model as
/// aggregated serving. The prefill pool's capacity is its instances' prompt tokens per second; a request waits for a
/// prefill instance (Kingman's G/G/1 wait at the pool's utilization), is prefilled alone, its KV cache crosses to a
/// decode instance (in full after the prefill, or only the last chunk's share when the engine sends chunk by chunk),
/// and its first token comes from the decode instance's next step. TPOT is the decode pool's step at its sequences,
/// with no prompt in it: what disaggregation buys. The requests per second follow from the workload: the clients'
/// loop (Little's law on the latency), a rate, or, for concurrency max, the most the decode pool holds, capped at 90%
/// of what the prefill pool prefills.
/// </summary>
public sealed class DisaggregatedServing
{
    /// <summary>The share of the prefill pool's capacity a plan may use: beyond it the prompts' queue grows fast.</summary>
    public const double MaxPrefillUtilization = 0.9;

    private const int Iterations = 40;

    private readonly Scenario _scenario;
    private readonly DisaggregatedStrategy _strategy;
    private readonly EfficiencyProfile _profile;
    private readonly ServingModel _prefill;
    private readonly ServingModel _decode;
    private readonly bool _report;

    public DisaggregatedServing(Scenario scenario, DisaggregatedStrategy strategy, EfficiencyProfile profile, bool report)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(profile);
        _scenario = scenario;
        _strategy = strategy;
        _profile = profile;
        _report = report;
        _prefill = new ServingModel(scenario, strategy.PrefillPool, profile, 0, report: false);
        _decode = new ServingModel(scenario, strategy.DecodePool, profile, 0, report);
    }

    /// <summary>The headline figures (and the full estimate when reporting).</summary>
    public EstimateResult? Compute(out EstimateFigures figures)
    {
        Workload w = _scenario.Workload;
        double meanPrompt = w.InputTokens.Mean;
        int output = w.OutputTokens;

        // ---- prefill pool ----
        double prefillTokensPerS = _prefill.PrefillTokensPerSecond(meanPrompt); // one instance
        double prefillCapacityReqS = prefillTokensPerS * _strategy.PrefillInstances / meanPrompt;
        (double oneMeanMs, double lastChunkMean) = _prefill.PrefillOne(meanPrompt);
        (double oneLongestMs, double lastChunkLongest) = _prefill.PrefillOne(w.InputTokens.Max);
        _prefill.Compute(out EstimateFigures prefillMemory, ConcurrencySetting.Of(_strategy.Prefill.DataParallel * _strategy.PrefillInstances));

        // ---- KV transfer ----
        var path = new KvTransferPath(_scenario, _strategy);
        KvTransferBehaviour behaviour = path.Behaviour;
        double bytesPerToken = path.BytesPerToken;
        bool sameNode = path.SameNode;
        LinkSpec link = path.Link;
        double bandwidth = path.BandwidthGbps;
        double TransferMs(double tokens) => path.TransferMs(tokens);
        double Exposed(double tokens, double lastChunk) => path.ExposedMs(tokens, lastChunk);

        // ---- decode pool: sequences and step ----
        _decode.Compute(out EstimateFigures decodeMost, ConcurrencySetting.Max);
        int decodeCapacity = Math.Max(1, decodeMost.Concurrency);
        double TpotAt(double sequences) => _decode.DecodeStepMs(Math.Max(1, sequences) / (_strategy.DecodeInstances * _strategy.Decode.DataParallel), meanPrompt + (output / 2.0));
        double arrivalVariability = w.IsOpenLoop ? 1 / w.Burstiness : 1;

        // The prefill pool as c servers (every DP group of every prefill instance takes its own prompts), each serving a
        // prompt in c / capacity: the wait of a G/G/c queue by the Allen-Cunneen form with Sakasegawa's probability of
        // waiting, rho^(sqrt(2(c + 1)) - 1) (docs/disaggregation.md, "The cost"); prompts of one length serve in a
        // fixed time (no service variability). With c = 1 it is Kingman's G/G/1.
        double servers = _strategy.PrefillInstances * (double)_strategy.Prefill.DataParallel;
        double serviceMs = servers / prefillCapacityReqS * 1000;
        double QueueMs(double reqPerS)
        {
            double rho = Math.Min(0.95, reqPerS / prefillCapacityReqS);
            double waiting = Math.Pow(rho, Math.Sqrt(2 * (servers + 1)) - 1);
            return waiting / (servers * (1 - rho)) * arrivalVariability / 2 * serviceMs;
        }

        double overhead = _profile.RequestOverheadMs + _profile.ApiServerRequestMs;
        double TtftMs(double reqPerS, double sequences, double prefillMs, double exposedMs) => overhead + QueueMs(reqPerS) + prefillMs + exposedMs + TpotAt(sequences);

        // ---- the workload's flow ----
        double lambda, sequencesDecoding;
        string bottleneck = "neither";
        if (w.IsOpenLoop && w.RequestRate is { } rate)
        {
            lambda = rate;
            sequencesDecoding = Solve(s => lambda * (output - 1) * TpotAt(s) / 1000);
        }
        else if (w.Concurrency.Sequences is { } clients)
        {
            // Little's law on the clients' loop: C = lambda x (TTFT + (output - 1) x TPOT), the decoding share of C in the pool.
            lambda = 0;
            sequencesDecoding = clients;
            for (int i = 0; i < Iterations; i++)
            {
                double tpot = TpotAt(sequencesDecoding);
                double latency = TtftMs(lambda, sequencesDecoding, oneMeanMs, Exposed(meanPrompt, lastChunkMean)) + ((output - 1) * tpot);
                double next = clients / (latency / 1000);
                sequencesDecoding = next * (output - 1) * tpot / 1000;
                if (Math.Abs(next - lambda) <= 1e-6 * Math.Max(1, next))
                {
                    lambda = next;
                    break;
                }

                lambda = next;
            }
        }
        else
        {
            // Concurrency max: the most the decode pool holds, unless the prefill pool cannot feed that many.
            sequencesDecoding = decodeCapacity;
            lambda = decodeCapacity / ((output - 1) * TpotAt(decodeCapacity) / 1000);
            bottleneck = "decode";
            if (lambda > MaxPrefillUtilization * prefillCapacityReqS)
            {
                lambda = MaxPrefillUtilization * prefillCapacityReqS;
                sequencesDecoding = Solve(s => lambda * (output - 1) * TpotAt(s) / 1000);
                bottleneck = "prefill";
            }
        }

        double prefillUtilization = lambda / prefillCapacityReqS;
        double tpotMs = TpotAt(sequencesDecoding);
        double ttftLongest = TtftMs(lambda, sequencesDecoding, oneLongestMs, Exposed(w.InputTokens.Max, lastChunkLongest));
        double ttftMean = TtftMs(lambda, sequencesDecoding, oneMeanMs, Exposed(meanPrompt, lastChunkMean));
        double gpus = _strategy.GpuCount;
        double outputPerGpu = lambda * output / gpus;
        double totalPerGpu = lambda * (meanPrompt + output) / gpus;
        int inFlight = (int)Math.Ceiling(lambda * (ttftMean + ((output - 1) * tpotMs)) / 1000);
        _decode.Compute(out EstimateFigures decodeAt, ConcurrencySetting.Of(Math.Max(1, (int)Math.Ceiling(sequencesDecoding))));
        bool fits = decodeAt.FitsMemory && prefillMemory.FitsMemory && sequencesDecoding <= decodeCapacity * (1 + 1e-9);
        bool saturated = prefillUtilization >= 0.95 || sequencesDecoding > decodeCapacity * (1 + 1e-9);
        double busiestTotal = Math.Max(decodeAt.MemoryTotalGb, prefillMemory.MemoryTotalGb);
        figures = new EstimateFigures(
            Math.Max(1, inFlight), decodeCapacity, Math.Max(decodeAt.WeightsGb, prefillMemory.WeightsGb), decodeAt.KvCacheGb,
            fits ? busiestTotal : Math.Max(busiestTotal, decodeAt.MemoryLimitGb * 1.0001), decodeAt.MemoryLimitGb,
            ttftLongest, tpotMs, tpotMs, outputPerGpu, totalPerGpu)
        {
            Saturated = saturated,
            RequestsPerS = lambda,
        };
        if (!_report)
        {
            return null;
        }

        EstimateResult decodeReport = _decode.Compute(out _, ConcurrencySetting.Of(Math.Max(1, (int)Math.Ceiling(sequencesDecoding))))!;
        var prefillReport = new ServingModel(_scenario, _strategy.PrefillPool, _profile, 0, report: true)
            .Compute(out _, ConcurrencySetting.Of(_strategy.Prefill.DataParallel * _strategy.PrefillInstances))!;
        double transferLongest = TransferMs(w.InputTokens.Max);
        var kv = new KvTransferReport(
            Math.Round(w.InputTokens.Max * bytesPerToken / 1e9, 4),
            sameNode ? $"{link.Technology} (both instances in one node of {_scenario.Hardware.GpusPerNode} GPUs)" : $"{link.Technology} between nodes",
            Math.Round(bandwidth, 2),
            Math.Round(transferLongest, 3),
            Math.Round(Exposed(w.InputTokens.Max, lastChunkLongest), 3),
            behaviour.ChunkOverlap ? "chunk" : "none",
            $"{behaviour.Transport}: {behaviour.Source}; efficiency {KvTransfer.Efficiency:0.##} of the link: {KvTransfer.EfficiencySource}; setup {KvTransfer.SetupMs:0.#} ms: {KvTransfer.SetupSource}");
        var disaggregation = new DisaggregationReport
        {
            Layout = string.Create(CultureInfo.InvariantCulture, $"{_strategy.PrefillInstances}P{_strategy.DecodeInstances}D"),
            Prefill = new PoolReport(StrategySummary.From(_strategy.Prefill), _strategy.PrefillInstances, _strategy.PrefillGpus, prefillReport.MemoryPerGpuGb, Math.Round(prefillUtilization, 4), Math.Round(prefillCapacityReqS * meanPrompt, 1)),
            Decode = new PoolReport(StrategySummary.From(_strategy.Decode), _strategy.DecodeInstances, _strategy.DecodeGpus, decodeReport.MemoryPerGpuGb, Math.Round(sequencesDecoding / decodeCapacity, 4), decodeCapacity),
            KvTransfer = kv,
            RequestsPerS = lambda,
            DecodeSequences = sequencesDecoding,
            PrefillQueueMs = QueueMs(lambda),
            Bottleneck = bottleneck,
            Gpus = _strategy.GpuCount,
        };
        return Combine(decodeReport, prefillReport, disaggregation, figures, ttftMean, prefillUtilization);
    }

    /// <summary>The smallest s with s = f(s) by iteration from 1 (f rises with s), at most the decode pool's capacity and <see cref="Iterations"/> steps.</summary>
    private static double Solve(Func<double, double> f)
    {
        double s = 1;
        for (int i = 0; i < Iterations; i++)
        {
            double next = Math.Max(1, f(s));
            if (Math.Abs(next - s) <= 1e-6 * s || next > 1e9)
            {
                return next;
            }

            s = next;
        }

        return s;
    }

    /// <summary>The decode pool's estimate with the deployment's figures: TTFT through the prefill pool and the transfer, throughput over both pools' GPUs, both pools' memory checks.</summary>
    private EstimateResult Combine(EstimateResult decode, EstimateResult prefill, DisaggregationReport d, EstimateFigures f, double ttftMean, double prefillUtilization)
    {
        Requirements r = _scenario.Requirements;
        string[] replaced = ["memory", "ttft", "tpot", "throughput"];
        var checks = decode.Checks.Where(c => !replaced.Contains(c.Name)).ToList();
        checks.Insert(0, new CheckResult("memory (decode pool)", decode.MemoryPerGpuGb.Total <= decode.MemoryPerGpuGb.Limit, Text($"{decode.MemoryPerGpuGb.Total:0.##} of {decode.MemoryPerGpuGb.Limit:0.##} GB allowed")));
        checks.Insert(1, new CheckResult("memory (prefill pool)", prefill.MemoryPerGpuGb.Total <= prefill.MemoryPerGpuGb.Limit, Text($"{prefill.MemoryPerGpuGb.Total:0.##} of {prefill.MemoryPerGpuGb.Limit:0.##} GB allowed")));
        checks.Add(new CheckResult("prefill pool", prefillUtilization < 0.95, Text($"{prefillUtilization:0.#%} of the prompt tokens it prefills at most ({d.Prefill.Capacity:0} tokens/s)")));
        checks.Add(new CheckResult("decode pool", d.DecodeSequences <= d.Decode.Capacity * (1 + 1e-9), Text($"{d.DecodeSequences:0} sequences decoding of the {d.Decode.Capacity:0} that fit")));
        foreach ((string name, bool passed, string detail) in PrefillChecks(prefill))
        {
            checks.Add(new CheckResult(name, passed, detail));
        }

        if (r.TtftMs is { } ttft)
        {
            checks.Add(new CheckResult("ttft", f.TtftMs <= ttft, Text($"{f.TtftMs:0} ms vs {ttft:0} ms required (longest prompt: prefill queue, prefill, KV transfer, first decode step)")));
        }

        if (r.TpotMs is { } tpot)
        {
            checks.Add(new CheckResult("tpot", f.TpotMs <= tpot, Text($"{f.TpotMs:0.0} ms vs {tpot:0.0} ms required (the decode pool's step, no prompts in it)")));
        }

        if (r.MinOutputTokensPerSecondPerGpu is { } rate)
        {
            checks.Add(new CheckResult("throughput", f.OutputTokensPerSPerGpu >= rate, Text($"{f.OutputTokensPerSPerGpu:0} vs {rate:0} output tokens/s per GPU required (over both pools' {d.Gpus} GPUs)")));
        }

        var assumptions = decode.Assumptions.ToList();
        assumptions.Add(Text($"disaggregated {d.Layout}: the estimate's parallel is one decode instance's degrees x decode instances; the prefill pool is in 'disaggregation'; throughput is over both pools' {d.Gpus} GPUs"));
        assumptions.Add(Text($"KV transfer: {d.KvTransfer.BytesPerRequestGb:0.###} GB per longest prompt over {d.KvTransfer.Link} at {d.KvTransfer.BandwidthGbps:0.#} GB/s ({d.KvTransfer.TransferMs:0.#} ms, {d.KvTransfer.ExposedMs:0.#} ms in TTFT; overlap {d.KvTransfer.Overlap})"));
        return decode with
        {
            Concurrency = f.Concurrency,
            TtftMs = f.TtftMs,
            MeanTtftMs = ttftMean,
            BurstTtftMs = f.TtftMs,
            TpotMs = f.TpotMs,
            TpotLongestPromptMs = f.TpotMs,
            OutputTokensPerSPerGpu = f.OutputTokensPerSPerGpu,
            TotalTokensPerSPerGpu = f.TotalTokensPerSPerGpu,
            Checks = checks,
            Assumptions = assumptions,
            Disaggregation = d,
            AnalyticalSaturated = f.Saturated,
            OfferedRequestsPerS = _scenario.Workload.IsOpenLoop ? _scenario.Workload.RequestRate : null,
        };
    }

    /// <summary>The prefill pool's strategy checks (divisibility, engine) under their own names.</summary>
    private static IEnumerable<(string, bool, string)> PrefillChecks(EstimateResult prefill) =>
        prefill.Checks.Where(c => c.Name is "divisibility" or "engine").Select(c => ($"{c.Name} (prefill pool)", c.Passed, c.Detail));

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
