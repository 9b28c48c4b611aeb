using System.Globalization;

namespace ParaPlan.Domain;

/// <summary>
/// The validity rules of a parallel strategy for a model on the GPUs available, as the interface contract states
/// them and as vLLM, SGLang and TensorRT-LLM enforce them.
/// </summary>
public static class StrategyRules
{
    /// <summary>Every rule <paramref name="strategy"/> breaks; empty when it is valid.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="model">The model it splits.</param>
    /// <param name="availableGpus">GPUs available (null: no limit but <see cref="FieldLimits.MaxGpus"/>).</param>
    /// <param name="longestPrompt">Tokens of the longest prompt, which sp splits (null: not checked).</param>
    public static IReadOnlyList<StrategyViolation> Check(ParallelStrategy strategy, ModelArchitecture model, int? availableGpus, int? longestPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var violations = new List<StrategyViolation>();
        int tp = strategy.TensorParallel;
        int heads = model.Attention.HeadCount;

        if (heads % tp != 0)
        {
            violations.Add(new("parallel.tp", Text($"tp {tp} does not divide num_attention_heads {heads}: each tensor-parallel rank must hold whole query heads.")));
        }

        if (model.Attention is GroupedQueryAttention gqa)
        {
            int kvHeads = gqa.KeyValueHeadCount;
            if (tp <= kvHeads && kvHeads % tp != 0)
            {
                violations.Add(new("parallel.tp", Text($"tp {tp} does not divide num_key_value_heads {kvHeads}: each rank must hold whole KV heads.")));
            }
            else if (tp > kvHeads && tp % kvHeads != 0)
            {
                violations.Add(new("parallel.tp", Text($"tp {tp} exceeds num_key_value_heads {kvHeads} but is not a multiple of it, so KV heads cannot be replicated evenly.")));
            }
        }

        long stage = strategy.GpusPerStage;
        int ep = strategy.ExpertParallel;
        if (model.Moe is not { } moe || !model.IsMoe)
        {
            if (ep != 1)
            {
                violations.Add(new("parallel.ep", Text($"the model is dense (no experts), so ep must be 1; got {ep}.")));
            }
        }
        else
        {
            if (stage % ep != 0)
            {
                violations.Add(new("parallel.ep", Text($"ep {ep} does not divide the {stage} GPUs of a stage (tp*sp*dp = {tp}*{strategy.SequenceParallel}*{strategy.DataParallel}); MoE layers run on the attention GPUs of their stage, so ep * expert_tp must equal tp*sp*dp.")));
            }
            else
            {
                long expertTp = stage / ep;
                if (moe.ExpertIntermediateSize % expertTp != 0)
                {
                    violations.Add(new("parallel.ep", Text($"each expert would be tensor-split {expertTp} ways (tp*sp*dp/ep = {stage}/{ep}), which does not divide moe_intermediate_size {moe.ExpertIntermediateSize}.")));
                }
            }

            int redundant = strategy.RedundantExperts;
            int slots = moe.ExpertCount + redundant;
            if (redundant > 0 && ep == 1)
            {
                violations.Add(new("parallel.redundant_experts", Text($"redundant experts are copies placed across EP ranks; with ep 1 every GPU already holds every expert: set ep above 1 or leave redundant_experts out.")));
            }
            else if (redundant > moe.ExpertCount)
            {
                violations.Add(new("parallel.redundant_experts", Text($"{redundant} redundant experts exceed the {moe.ExpertCount} routed experts they would copy.")));
            }
            else if (ep > slots)
            {
                violations.Add(new("parallel.ep", Text($"ep {ep} exceeds the {moe.ExpertCount} routed experts{(redundant > 0 ? $" and {redundant} redundant copies" : string.Empty)}: some EP ranks would hold no expert.")));
            }
            else if (slots % ep != 0)
            {
                string help = redundant == 0 ? Text($"; redundant experts (parallel.redundant_experts, DeepSeek's EPLB) can make the count divisible: {RedundantFor(moe.ExpertCount, ep)} of them here") : string.Empty;
                violations.Add(new("parallel.ep", Text($"ep {ep} does not divide the {slots} expert slots ({moe.ExpertCount} routed{(redundant > 0 ? $" + {redundant} redundant" : string.Empty)}): EP ranks would hold unequal expert counts{help}.")));
            }
        }

        int pp = strategy.PipelineParallel;
        if (!model.IsMoe && strategy.RedundantExperts > 0)
        {
            violations.Add(new("parallel.redundant_experts", Text($"the model is dense (no experts): leave redundant_experts out.")));
        }

        if (pp > model.LayerCount)
        {
            violations.Add(new("parallel.pp", Text($"pp {pp} exceeds num_hidden_layers {model.LayerCount}: a stage would hold no layer.")));
        }

        if (longestPrompt is { } prompt && SequenceParallelProblem(strategy.SequenceParallel, prompt) is { } spProblem)
        {
            violations.Add(new("parallel.sp", spProblem));
        }

        if (availableGpus is { } available && strategy.GpuCount > available)
        {
            violations.Add(new("parallel", Text($"the strategy needs replicas*pp*tp*sp*dp = {strategy.Replicas}*{pp}*{tp}*{strategy.SequenceParallel}*{strategy.DataParallel} = {strategy.GpuCount} GPUs but hardware.gpus is {available}.")));
        }
        else if (availableGpus is null && strategy.GpuCount > FieldLimits.MaxGpus)
        {
            violations.Add(new("parallel", Text($"the strategy needs replicas*pp*tp*sp*dp = {strategy.Replicas}*{pp}*{tp}*{strategy.SequenceParallel}*{strategy.DataParallel} = {strategy.GpuCount} GPUs, more than the {FieldLimits.MaxGpus} ParaPlan plans for.")));
        }

        return violations;
    }

    /// <summary>
    /// Why sequence parallelism of <paramref name="sp"/> cannot split a prompt of <paramref name="promptTokens"/>
    /// tokens (each rank would hold less than one token), or null when it can.
    /// </summary>
    public static string? SequenceParallelProblem(int sp, int promptTokens) =>
        sp > promptTokens
            ? Text($"{sp} is more than the {promptTokens} prompt tokens it splits (workload.input_tokens); each sequence-parallel rank needs at least one token.")
            : null;

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The fewest redundant slots that make <paramref name="experts"/> + slots divisible by <paramref name="ep"/>.</summary>
    public static int RedundantFor(int experts, int ep) => ep <= 1 ? 0 : (ep - (experts % ep)) % ep;
}
