using ParaPlan.Audit;
using ParaPlan.Catalog;

namespace ParaPlan.Tests.Audit;

/// <summary>
/// Each seed plan's audit finds its real errors (the classes in the design notes: GPU count with EP multiplied in,
/// parameter counts the architecture cannot produce, weights divided by every degree, KV cache forgotten, throughput
/// beyond physics, utilisation above the stated MFU, "0% variance", training notions, changing the model) and does
/// not flag what the document gets right.
/// </summary>
public class SeedAuditTests
{
    private static AuditResult Audit(string file) =>
        Auditor.Audit(ScenarioReader.ReadFile(TestFiles.InRepository("examples", "seeds", file)), correct: false);

    private static AuditFinding Finding(AuditResult audit, string subject) => Assert.Single(audit.Findings, f => f.Subject == subject);

    [Fact]
    public void Seed_0_throughput_is_70x_over_the_compute_bound()
    {
        AuditResult audit = Audit("seed-0-qwen3-235b.plan.yaml");
        AuditFinding throughput = Finding(audit, "claims.output_tokens_per_s_per_gpu");
        Assert.Equal("impossible", throughput.Kind);
        // 400 TFLOPS x MFU 0.6 / (2 x 21.57 B active) = 5,564 tokens/s per GPU: 385,000 is 69x that.
        Assert.Equal(400e12 * 0.6 / (2.0 * 21_568_433_664), throughput.Computed!.Value, 0);
        Assert.Contains("69.2x the compute bound", throughput.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Error, Finding(audit, "parallel.ep").Severity);
        Assert.Equal(Severity.Error, Finding(audit, "claims.kv_cache_per_gpu_gb").Severity);
        Assert.Equal(Severity.Error, Finding(audit, "claims.layers_per_stage").Severity);
        // What it gets right: 256 GPUs for tp8 x sp4 x pp8, 8 heads per GPU.
        Assert.Equal(Severity.Info, Finding(audit, "claims.total_gpus").Severity);
        Assert.Equal(Severity.Info, Finding(audit, "claims.heads_per_gpu").Severity);
        // Its TTFT of 810 ms agrees with no reading within 25%: 128 prompts arriving together take over 1,080 ms
        // (810 / 0.75) since two-batch overlap hides only its measured share of the all-to-all (moe_overlap_efficiency).
        AuditFinding ttft = Finding(audit, "claims.ttft_ms");
        Assert.Equal(Severity.Error, ttft.Severity);
        System.Text.RegularExpressions.Match all = System.Text.RegularExpressions.Regex.Match(ttft.Message, @"\((\d+) ms if all arrived together\)");
        Assert.True(all.Success, ttft.Message);
        Assert.True(double.Parse(all.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 810 / 0.75, ttft.Message);
    }

    [Fact]
    public void Seed_1_declares_10_B_parameters_for_a_0_45_B_architecture()
    {
        AuditResult audit = Audit("seed-1-moe-10b-ep4.plan.yaml");
        AuditFinding parameters = Finding(audit, "model.declared_parameters");
        Assert.Equal(Severity.Error, parameters.Severity);
        Assert.Equal(452_346_368, parameters.Computed);
        Assert.Equal(Severity.Error, Finding(audit, "claims.total_gpus").Severity);
        Assert.Equal(Severity.Info, Finding(audit, "claims.experts_per_gpu").Severity);
        Assert.Equal(Severity.Info, Finding(audit, "claims.layers_per_stage").Severity);
    }

    [Fact]
    public void Seed_2_multiplies_EP_in_forgets_the_KV_cache_and_claims_zero_variance()
    {
        AuditResult audit = Audit("seed-2-moe-64e-128gpu.plan.yaml");
        Assert.Contains("multiplies ep 64 in", Finding(audit, "claims.total_gpus").Message, StringComparison.Ordinal);
        Assert.Equal("impossible", Finding(audit, "claims.memory_per_gpu_gb").Kind);
        Assert.Equal("impossible", Finding(audit, "claims.load_balance").Kind);
        Assert.Equal(Severity.Error, Finding(audit, "claims.compute_utilization").Severity);
    }

    [Fact]
    public void Seed_3_changes_top_k_uses_training_notions_and_claims_utilisation_above_its_MFU()
    {
        AuditResult audit = Audit("seed-3-moe-30b-16gpu.plan.yaml");
        Assert.Contains(audit.Findings, f => f.Kind == "notion" && f.Severity == Severity.Error && f.Message.Contains("top-2", StringComparison.Ordinal));
        Assert.Contains(audit.Findings, f => f.Kind == "notion" && f.Message.Contains("gradient accumulation", StringComparison.Ordinal));
        AuditFinding utilisation = Finding(audit, "claims.compute_utilization");
        Assert.Equal(0.94, utilisation.Claimed);
        Assert.Equal(0.6, utilisation.Computed);
        Assert.Contains(audit.Findings, f => f.Subject == "parallel" && f.Message.Contains("32 GPUs but hardware.gpus is 16", StringComparison.Ordinal));
    }

    [Fact]
    public void Seed_4_divides_the_weights_by_every_degree_and_trains()
    {
        AuditResult audit = Audit("seed-4-moe-10b-ep8.plan.yaml");
        Assert.Equal(Severity.Error, Finding(audit, "claims.weights_per_gpu_gb").Severity);
        Assert.Equal("impossible", Finding(audit, "claims.output_tokens_per_s_per_gpu").Kind);
        Assert.Contains(audit.Findings, f => f.Kind == "notion" && f.Message.Contains("1f1b", StringComparison.Ordinal));
        Assert.Equal(Severity.Info, Finding(audit, "claims.layers_per_stage").Severity);
    }
}
