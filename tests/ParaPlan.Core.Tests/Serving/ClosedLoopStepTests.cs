using ParaPlan.CostModel;
using ParaPlan.CostModel.Serving;
using ParaPlan.Tests.CostModel;

namespace ParaPlan.Tests.Serving;

/// <summary>
/// The analytical closed loop (docs/serving-at-a-rate.md, "The analytical path"): each step a DP group takes
/// m = running / output new prompts, and the instance's groups wait for the busiest group's.
/// </summary>
public class ClosedLoopStepTests
{
    [Fact]
    public void The_busiest_of_several_Poisson_groups_is_the_sum_of_one_minus_the_cdf_to_the_power_of_the_groups()
    {
        // One group: its mean.
        Assert.Equal(0.5, ServingModel.ExpectedMaxPoisson(0.5, 1), 12);

        // Two groups of mean 1: F(0) = e^-1 = 0.367879, F(1) = 0.735759, F(2) = 0.919699, F(3) = 0.981012,
        // F(4) = 0.996340, ...: sum of 1 - F(k - 1)^2 = 0.864665 + 0.458659 + 0.154154 + 0.037615 + 0.007307 +
        // 0.001188 + 0.000166 + 0.000020 + ... = 1.523778.
        Assert.Equal(1.523778, ServingModel.ExpectedMaxPoisson(1, 2), 5);

        // Eight groups of mean 1/16 (128 running sequences, 2,048 output tokens): 1 - (1 - 0.060587)^8 = 0.393880 for
        // at least one prompt, 0.014770 more for two, ...: 0.408676.
        Assert.Equal(0.408676, ServingModel.ExpectedMaxPoisson(0.0625, 8), 5);

        // A large mean neither underflows e^-mean nor sums from k = 1: the sum computed term by term in double
        // precision (Python, every term from k = 1) is 532.06 at a mean of 500 with eight groups, and about
        // mean + sqrt(mean) x 1.4236 (the expected largest of eight standard normals) = 2,063.7 at 2,000.
        Assert.Equal(532.06, ServingModel.ExpectedMaxPoisson(500, 8), 1);
        Assert.InRange(ServingModel.ExpectedMaxPoisson(2000, 8), 2055, 2070);
        Assert.Equal(0, ServingModel.ExpectedMaxPoisson(0, 8));
    }

    [Fact]
    public void At_a_rate_the_step_waits_for_the_busiest_group_s_new_prompts()
    {
        // A 10 ms decode step, 5 ms a prompt, 0.01 prompts/ms per group. One group: T = 10 + 5 x 0.01 T, so
        // T = 10 / (1 - 0.05) = 10.526316. Two groups: T = 10 + 5 x E[max of 2 Poisson(0.01 T)] = 11.050131; eight:
        // 13.672676 (each fixed point solved by iterating the same equation in Python, with E[max] summed term by term
        // to k = 200). The union law the rate path used before, TPOT = decode / (1 - rho), rho = 1 - (1 - g)^dp,
        // gave 11.080 and 15.073 for two and eight groups.
        Assert.Equal(10 / 0.95, ServingModel.RateStepMs(10, 5, 0.01, 1, out bool alone), 6);
        Assert.False(alone);
        Assert.Equal(11.050131, ServingModel.RateStepMs(10, 5, 0.01, 2, out _), 5);
        Assert.Equal(13.672676, ServingModel.RateStepMs(10, 5, 0.01, 8, out bool eight), 5);
        Assert.False(eight);

        // Prompts that would fill 95% of the step or more: saturated, the step capped at decode / 0.05.
        Assert.Equal(200, ServingModel.RateStepMs(10, 5, 0.2, 1, out bool full), 9);
        Assert.True(full);
    }

    [Fact]
    public void One_group_keeps_the_prefill_then_decode_cycle()
    {
        // dp = 1: E[N] = m = running / output, so output x (decode + P x m) = output x decode + the running prompts'
        // prefill: the cycle, and the throughput is the running sequences over it.
        EstimateResult e = Scenarios.Estimate("""
            model: llama-3.1-8b
            hardware: {gpu: h100-sxm, gpus: 1}
            engine: vllm
            parallel: {tp: 1}
            workload: {input_tokens: 1024, output_tokens: 256, concurrency: 64}
            """);
        double decodeStepMs = e.DecodeStepAt!(64); // the step of 64 sequences at the mean context, overheads included
        Assert.Equal(e.CyclePrefillMs + (256 * decodeStepMs), e.CycleMs, 1e-6);
        Assert.Equal(e.CycleMs / 256, e.TpotMs, 1e-9);
        Assert.Equal(64 * 256 / (e.CycleMs / 1000), e.OutputTokensPerSPerGpu, 1e-9);
    }

    [Fact]
    public void DeepSeek_R1_on_8_H200_with_attention_DP_reproduces_TensorRT_LLMs_published_max_throughput()
    {
        // TensorRT-LLM's DeepSeek-R1 blog (docs/source/blogs/Best_perf_practice_on_DeepSeek-R1_in_TensorRT-LLM.md,
        // data/validation record TRTDSR1-H200-maxtput): 8 H200, attention DP 8 and EP 8, 1,024 in / 2,048 out, 128
        // sequences a rank: 1,436.2 output tokens/s per GPU, 11.35 tokens/s per user (88.1 ms a token). Before the
        // groups waited for each other's prompts the analytical figure was 2,507 (+75%).
        EstimateResult e = Scenarios.Estimate("""
            model: deepseek-v3
            precision: {weights: fp8}
            hardware: {gpu: h200-sxm, gpus: 8}
            engine: trtllm
            parallel: {tp: 1, dp: 8, ep: 8}
            workload: {input_tokens: 1024, output_tokens: 2048, concurrency: 1024}
            """);
        Assert.InRange(e.OutputTokensPerSPerGpu, 1436.2 * 0.85, 1436.2 * 1.15);
        Assert.InRange(e.TpotMs, 88.1 * 0.85, 88.1 * 1.15);
    }
}
