using System.Globalization;
using System.Text.RegularExpressions;
using ParaPlan.CostModel;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;
using ParaPlan.Planning;
using ParaPlan.Reports;
using ParaPlan.Search;

namespace ParaPlan.Audit;

/// <summary>
/// Audits a written plan: its structure (degrees, the GPU count they imply, divisibility, the declared parameter
/// count, module division), then every claimed figure against the cost model under the plan's own strategy (wrong
/// beyond a stated tolerance, physically impossible beyond a bound, or checkable only under a stated assumption),
/// the notions that do not belong in an inference plan, and the corrected plan the search finds.
/// </summary>
public static partial class Auditor
{
    /// <summary>Relative gap within which a memory or throughput figure counts as right (the cost model's own spread).</summary>
    public const double Agree = 0.25;

    /// <summary>Relative gap beyond which a figure is wrong (an error); between the two it is doubtful (a warning).</summary>
    public const double Wrong = 0.5;

    /// <param name="plan">The plan: a scenario with its strategy and claims.</param>
    /// <param name="correct">False to skip the search for the corrected plan.</param>
    /// <param name="profiles">Where the efficiency profile comes from (<c>--profiles</c>); the built-in catalog by default.</param>
    /// <param name="cancellation">Stops the search for the corrected plan when signalled.</param>
    public static AuditResult Audit(Scenario plan, bool correct = true, IProfileSource? profiles = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        profiles ??= EfficiencyCatalog.BuiltIn;
        EfficiencyProfile profile = profiles.Resolve(plan.Engine, plan.Hardware.Gpu);
        var findings = new List<AuditFinding>();
        ModelArchitecture model = plan.Model;
        IReadOnlyDictionary<string, double> claims = plan.Claims;

        // ---- the declared parameter count ----
        if (model.DeclaredParameters is { } declared)
        {
            double ratio = declared / model.TotalParameters;
            if (Math.Abs(ratio - 1) > ScenarioReaderTolerance)
            {
                findings.Add(new AuditFinding(
                    "model.declared_parameters", ratio >= 2 || ratio <= 0.5 ? Severity.Error : Severity.Warning, declared, model.TotalParameters,
                    Text($"the plan declares {B(declared)} parameters but its architecture has {B(model.TotalParameters)} ({ratio:0.0}x); every figure here uses the architecture's {B(model.TotalParameters)}"))
                { Kind = "wrong" });
            }
            else
            {
                findings.Add(new AuditFinding("model.declared_parameters", Severity.Info, declared, model.TotalParameters, Text($"matches the architecture's {B(model.TotalParameters)}")) { Kind = "correct" });
            }
        }

        // ---- structure ----
        if (plan.Parallel is null && plan.Disaggregated is { } pools)
        {
            findings.Add(new AuditFinding("parallel", Severity.Warning, null, null, $"a prefill/decode disaggregated plan ({pools}): the audit checks aggregated plans; its claims are not checked here (estimate it with 'paraplan estimate', docs/disaggregation.md)"));
            return Finish(plan, findings, null, null, null, correct, profiles, cancellation);
        }

        if (plan.Parallel is not { } strategy)
        {
            findings.Add(new AuditFinding("parallel", Severity.Error, null, null, "the plan states no strategy ('parallel'): nothing to audit but its conditions"));
            return Finish(plan, findings, null, null, null, correct, profiles, cancellation);
        }

        IReadOnlyList<StrategyViolation> violations = StrategyRules.Check(strategy, model, plan.Hardware.GpuCount);
        foreach (StrategyViolation violation in violations)
        {
            findings.Add(new AuditFinding(violation.Field, Severity.Error, null, null, violation.Problem));
        }

        foreach (StrategyViolation unsupported in EngineCapabilities.Check(strategy, model, plan.Engine))
        {
            findings.Add(new AuditFinding(unsupported.Field, Severity.Warning, null, null, $"valid in principle, but not as this plan's engine runs it: {unsupported.Problem}"));
        }

        CheckGpuCount(plan, strategy, findings);
        ParallelStrategy computedFor = violations.Any(v => v.Field != "parallel") ? Reinterpret(strategy, model) : strategy;
        string? assumption = computedFor != strategy
            ? Text($"the stated strategy is invalid, so its figures are computed for the nearest valid one, {computedFor} ({computedFor.GpuCount} GPUs)")
            : null;
        if (computedFor == strategy)
        {
            ModuleDivisionCheck division = ModuleDivisionCheck.Of(RankLayout.Map(strategy, model, plan.Hardware.GpusPerNode), strategy, model);
            findings.Add(division.Passed
                ? new AuditFinding("parallel", Severity.Info, null, division.Gpus, Text($"module division holds: {division.Gpus} GPUs, every layer in one stage, every head once per attention group, every expert slice once per stage"))
                : new AuditFinding("parallel", Severity.Error, null, division.Gpus, "module division fails: " + string.Join("; ", division.Problems)));
        }

        // ---- figures ----
        EstimateResult computed = Estimator.Estimate(plan with { Parallel = computedFor }, computedFor, profile);
        IReadOnlyList<EstimateResult> readings = computedFor == strategy ? [computed] : Readings(plan, strategy, computedFor, profile);
        var figures = new FigureChecks(plan, strategy, computedFor, computed, readings, assumption, findings, profile);
        figures.Run(claims);

        // ---- notions that do not belong in an inference plan ----
        CheckNotions(plan, findings);
        return Finish(plan, findings, strategy, computed, assumption, correct, profiles, cancellation);
    }

    private const double ScenarioReaderTolerance = 0.05;

    private static AuditResult Finish(Scenario plan, List<AuditFinding> findings, ParallelStrategy? strategy, EstimateResult? computed, string? assumption, bool correct, IProfileSource profiles, CancellationToken cancellation)
    {
        EstimateResult? corrected = null;
        EstimateResult? closest = null;
        string? correctedInfeasible = null;
        if (correct)
        {
            PlanResult best = Planner.Plan(plan with { Parallel = null }, new SearchOptions { Cancellation = cancellation }, suggest: false, profiles: profiles);
            if (best.Infeasible is null)
            {
                corrected = best.Best;
            }
            else
            {
                closest = best.Best;
                correctedInfeasible = best.Infeasible;
            }
        }

        var ordered = findings.OrderBy(f => Severity.Rank(f.Severity)).ToList();
        string verdict = ordered.Any(f => f.Severity == Severity.Error) ? "invalid" : ordered.Any(f => f.Severity == Severity.Warning) ? "warnings" : "valid";
        return new AuditResult
        {
            Verdict = verdict,
            Findings = ordered,
            Corrected = corrected,
            ClaimedStrategy = strategy is { } s ? StrategySummary.From(s) : null,
            Computed = computed,
            Assumption = assumption,
            Comparison = SideBySideRows(plan, computed, corrected ?? closest),
            CorrectedInfeasible = correctedInfeasible,
            Source = plan.SourcePath,
        };
    }

    /// <summary>The GPU count the degrees imply against the count the plan claims, naming the usual mistakes.</summary>
    private static void CheckGpuCount(Scenario plan, ParallelStrategy strategy, List<AuditFinding> findings)
    {
        if (!plan.Claims.TryGetValue("total_gpus", out double claimed))
        {
            return;
        }

        long implied = strategy.GpuCount;
        if (Math.Abs(claimed - implied) < 0.5)
        {
            findings.Add(new AuditFinding("claims.total_gpus", Severity.Info, claimed, implied, Text($"matches replicas x pp x tp x sp x dp = {implied}")) { Kind = "correct" });
            return;
        }

        string why = Math.Abs(claimed - (implied * strategy.ExpertParallel)) < 0.5 && strategy.ExpertParallel > 1
            ? Text($"it multiplies ep {strategy.ExpertParallel} in as if experts needed their own GPUs; in vLLM, SGLang and TensorRT-LLM the MoE layers re-use the attention GPUs of a stage (ep x expert-tp = tp x sp x dp), so the degrees give {implied}")
            : Text($"the degrees give replicas x pp x tp x sp x dp = {strategy.Replicas} x {strategy.PipelineParallel} x {strategy.TensorParallel} x {strategy.SequenceParallel} x {strategy.DataParallel} = {implied}");
        findings.Add(new AuditFinding("claims.total_gpus", Severity.Error, claimed, implied, Text($"claims {claimed:0} GPUs but {why}")) { Kind = "wrong" });
    }

    /// <summary>The nearest valid strategy: tp down to a divisor of the heads (and KV heads), ep down to a divisor of the stage and the experts, pp at most the layers.</summary>
    internal static ParallelStrategy Reinterpret(ParallelStrategy strategy, ModelArchitecture model)
    {
        int tp = strategy.TensorParallel;
        while (tp > 1 && StrategyRules.Check(new ParallelStrategy(tp), model, null).Any(v => v.Field == "parallel.tp"))
        {
            tp--;
        }

        int pp = Math.Min(strategy.PipelineParallel, model.LayerCount);
        int ep = 1;
        if (model.IsMoe)
        {
            ep = Math.Min(strategy.ExpertParallel, tp * strategy.SequenceParallel * strategy.DataParallel);
            while (ep > 1 && StrategyRules.Check(new ParallelStrategy(tp, strategy.SequenceParallel, strategy.DataParallel, pp, ep, strategy.Replicas), model, null).Any(v => v.Field == "parallel.ep"))
            {
                ep--;
            }
        }

        return new ParallelStrategy(tp, strategy.SequenceParallel, strategy.DataParallel, pp, ep, strategy.Replicas);
    }

    /// <summary>
    /// Every valid reading of an invalid strategy: the degrees the plan got wrong replaced by each value that would be
    /// valid (tp among the divisors of the heads up to the stated tp, ep among the values that split the stage and the
    /// experts), the rest as stated. A claim outside the range of all readings is wrong whatever the author meant.
    /// </summary>
    private static List<EstimateResult> Readings(Scenario plan, ParallelStrategy stated, ParallelStrategy nearest, EfficiencyProfile profile)
    {
        ModelArchitecture model = plan.Model;
        var tps = stated.TensorParallel == nearest.TensorParallel
            ? [nearest.TensorParallel]
            : Enumerable.Range(1, stated.TensorParallel).Where(t => StrategyRules.Check(new ParallelStrategy(t), model, null).All(v => v.Field != "parallel.tp")).ToList();
        var readings = new List<EstimateResult>();
        foreach (int tp in tps)
        {
            int stage = tp * nearest.SequenceParallel * nearest.DataParallel;
            IEnumerable<int> eps = model.IsMoe ? Enumerable.Range(1, stage) : [1];
            foreach (int ep in eps)
            {
                var reading = new ParallelStrategy(tp, nearest.SequenceParallel, nearest.DataParallel, nearest.PipelineParallel, ep, nearest.Replicas);
                if (StrategyRules.Check(reading, model, null).Count == 0)
                {
                    readings.Add(Estimator.Estimate(plan with { Parallel = reading }, reading, profile));
                }
            }
        }

        return readings.Count > 0 ? readings : [Estimator.Estimate(plan with { Parallel = nearest }, nearest, profile)];
    }

    private static void CheckNotions(Scenario plan, List<AuditFinding> findings)
    {
        string text = plan.Description ?? string.Empty;
        if (text.Length == 0)
        {
            return;
        }

        var training = TrainingNotions().Matches(text).Select(m => m.Value.ToLowerInvariant()).Distinct().ToList();
        if (training.Count > 0)
        {
            findings.Add(new AuditFinding("parallel", Severity.Warning, null, null,
                $"training-only notions in an inference plan ({string.Join(", ", training)}): inference has no backward pass, gradients or optimizer, so these change nothing and their claimed gains are not real")
            { Kind = "notion" });
        }

        if (plan.Model.Moe is { ExpertsPerToken: > 1 } moe && TopOne().IsMatch(text))
        {
            findings.Add(new AuditFinding("parallel", Severity.Error, 1, moe.ExpertsPerToken,
                Text($"the plan routes each token to fewer experts than the model's top-{moe.ExpertsPerToken}: that changes what the model computes (and its quality); a deployment plan may not change the model"))
            { Kind = "notion" });
        }
    }

    [GeneratedRegex(@"gradient[s]?(\s+(accumulation|synchroni[sz]ation|all-?reduce))?|backward|1F1B|optimizer|activation (recomputation|checkpointing)|weight update", RegexOptions.IgnoreCase)]
    private static partial Regex TrainingNotions();

    [GeneratedRegex(@"top-?k[^\n.]{0,20}\b1\b|top-?1\b", RegexOptions.IgnoreCase)]
    private static partial Regex TopOne();

    private static List<SideBySide> SideBySideRows(Scenario plan, EstimateResult? computed, EstimateResult? corrected)
    {
        IReadOnlyDictionary<string, double> c = plan.Claims;
        string Claim(string key, string format = "0.##") => c.TryGetValue(key, out double v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        string Of(EstimateResult? e, Func<EstimateResult, double> pick, string format = "0.##") => e is null ? "-" : pick(e).ToString(format, CultureInfo.InvariantCulture);
        string Strategy(EstimateResult? e) => e is null ? "-" : Text($"tp{e.Parallel.Tp} sp{e.Parallel.Sp} dp{e.Parallel.Dp} pp{e.Parallel.Pp} ep{e.Parallel.Ep} x{e.Parallel.Replicas}");
        string claimedStrategy = plan.Parallel is { } s ? Text($"tp{s.TensorParallel} sp{s.SequenceParallel} dp{s.DataParallel} pp{s.PipelineParallel} ep{s.ExpertParallel} x{s.Replicas}") : "-";
        return
        [
            new("strategy", claimedStrategy, Strategy(computed), Strategy(corrected)),
            new("GPUs", Claim("total_gpus", "0"), Of(computed, e => e.Parallel.Gpus, "0"), Of(corrected, e => e.Parallel.Gpus, "0")),
            new("concurrency", plan.Workload.Concurrency.ToString(), Of(computed, e => e.Concurrency, "0"), Of(corrected, e => e.Concurrency, "0")),
            new("weights per GPU (GB)", Claim("weights_per_gpu_gb"), Of(computed, e => e.MemoryPerGpuGb.Weights), Of(corrected, e => e.MemoryPerGpuGb.Weights)),
            new("KV cache per GPU (GB)", Claim("kv_cache_per_gpu_gb"), Of(computed, e => e.MemoryPerGpuGb.KvCache), Of(corrected, e => e.MemoryPerGpuGb.KvCache)),
            new("memory per GPU (GB)", Claim("memory_per_gpu_gb"), Of(computed, e => e.MemoryPerGpuGb.Total), Of(corrected, e => e.MemoryPerGpuGb.Total)),
            new("TTFT (ms)", Claim("ttft_ms", "0"), Of(computed, e => e.TtftMs, "0"), Of(corrected, e => e.TtftMs, "0")),
            new("TPOT (ms)", Claim("tpot_ms", "0.#"), Of(computed, e => e.TpotMs, "0.#"), Of(corrected, e => e.TpotMs, "0.#")),
            new("output tokens/s per GPU", Claim("output_tokens_per_s_per_gpu", "0"), Of(computed, e => e.OutputTokensPerSPerGpu, "0"), Of(corrected, e => e.OutputTokensPerSPerGpu, "0")),
        ];
    }

    internal static string B(double parameters) => (parameters / 1e9).ToString(parameters >= 10e9 ? "0.0" : "0.00", CultureInfo.InvariantCulture) + " B";

    internal static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
