using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Tests.Catalog;

public class ScenarioReaderTests
{
    private const string Minimal = """
        model: llama-3.1-70b
        hardware:
          gpu: h100-sxm
        """;

    private static Scenario Read(string yaml, string extension = ".yaml") => ScenarioReader.ReadFile(TestFiles.Write(yaml, extension));

    private static InputException Fails(string yaml, string extension = ".yaml")
    {
        string path = TestFiles.Write(yaml, extension);
        InputException error = Assert.Throws<InputException>(() => ScenarioReader.ReadFile(path));
        Assert.Equal(path, error.File);
        return error;
    }

    [Fact]
    public void The_contract_example_reads_as_written()
    {
        Scenario scenario = Read("""
            model: qwen3-235b-a22b
            precision:
              weights: fp8
              kv_cache: fp8
            hardware:
              gpu: h100-sxm
              gpus: 256
              gpus_per_node: 8
            engine: generic
            parallel: {tp: 8, sp: 1, dp: 1, pp: 1, ep: 8, replicas: 1}
            workload:
              input_tokens: {min: 128, max: 10240}
              output_tokens: 1024
              concurrency: 128
            requirements:
              ttft_ms: 10000
              tpot_ms: 50
              min_output_tokens_per_s_per_gpu: 4000
              max_memory_utilization: 0.8
            objective: throughput
            """);

        Assert.Equal(NumericFormat.Fp8, scenario.Precision.Weights);
        Assert.Equal(NumericFormat.Fp8, scenario.Precision.KvCache);
        Assert.Equal(256, scenario.Hardware.GpuCount);
        Assert.Equal(new ParallelStrategy(8, 1, 1, 1, 8, 1), scenario.Parallel);
        Assert.Equal(new TokenRange(128, 10240), scenario.Workload.InputTokens);
        Assert.Equal(128, scenario.Workload.Concurrency.Sequences);
        Assert.Equal(0.8, scenario.Requirements.MaxMemoryUtilization);
        Assert.Equal(50, scenario.Requirements.TpotMs);
        Assert.Empty(scenario.Warnings);
    }

    [Fact]
    public void Every_default_applied_is_listed_as_an_assumption()
    {
        Scenario scenario = Read(Minimal);

        Assert.Equal(NumericFormat.Bf16, scenario.Precision.Weights);
        Assert.Null(scenario.Hardware.GpuCount);
        Assert.True(scenario.Workload.Concurrency.IsMax);
        Assert.Equal(1024, scenario.Workload.OutputTokens);
        Assert.Null(scenario.Parallel);
        string all = string.Join("\n", scenario.Assumptions);
        foreach (string field in new[] { "precision", "hardware.gpus", "hardware.gpus_per_node", "engine", "workload.input_tokens", "workload.output_tokens", "workload.concurrency", "requirements.max_memory_utilization" })
        {
            Assert.Contains(field + " not given", all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Fp8_weights_default_to_a_bf16_KV_cache()
    {
        Scenario scenario = Read(Minimal + "\nprecision: {weights: fp8}\n");
        Assert.Equal(NumericFormat.Bf16, scenario.Precision.KvCache);
        Assert.Contains(scenario.Assumptions, a => a.StartsWith("precision.kv_cache not given: bf16", StringComparison.Ordinal));
    }

    [Fact]
    public void Unstated_degrees_default_to_1()
    {
        Scenario scenario = Read(Minimal + "\nparallel: {tp: 4}\n");
        Assert.Equal(new ParallelStrategy(tensorParallel: 4), scenario.Parallel);
    }

    [Fact]
    public void An_inline_model_and_GPU_read_with_their_defaults_and_a_parameter_warning()
    {
        // Seed 1's model: 16 layers x 16 experts x 3 x 512 x 1024 = 0.40 B in experts, nowhere near 10 B.
        Scenario scenario = Read("""
            model:
              name: seed-moe-10b
              num_hidden_layers: 16
              hidden_size: 512
              num_attention_heads: 16
              head_dim: 32
              num_experts: 16
              num_experts_per_tok: 2
              moe_intermediate_size: 1024
              declared_parameters: 10e9
            hardware:
              gpu: {name: seed-gpu, memory_gb: 64, tflops: 400, memory_bandwidth_tbps: 1.8, mfu: 0.6, bandwidth_utilization: 0.8}
            precision: {weights: fp16}
            """);

        const long h = 512;
        long expected = (16 * ((4 * h * h) + (16 * 3 * h * 1024) + (h * 16) + (2 * h))) + (2 * 32000 * h) + h;
        Assert.Equal(expected, scenario.Model.TotalParameters);
        string warning = Assert.Single(scenario.Warnings);
        Assert.Contains("model.declared_parameters", warning, StringComparison.Ordinal);
        Assert.Contains("10.0 B", warning, StringComparison.Ordinal);
        Assert.Contains("0.45 B", warning, StringComparison.Ordinal);
        Assert.Contains("uses the architecture's 0.45 B", warning, StringComparison.Ordinal);
        Assert.Contains(scenario.Assumptions, a => a.StartsWith("model.vocab_size not given: 32000", StringComparison.Ordinal));
        Assert.Equal(400, scenario.Hardware.Gpu.PeakTflopsFor(NumericFormat.Fp16));
        Assert.Equal(0.6, scenario.Hardware.Gpu.Efficiency.ComputeUtilization);
        Assert.Contains(scenario.Assumptions, a => a.StartsWith("hardware.gpu.intra_node_gbps not given", StringComparison.Ordinal));
    }

    [Fact]
    public void A_declared_count_within_5_percent_gives_no_warning()
    {
        Scenario scenario = Read("""
            model: {num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4, intermediate_size: 128, vocab_size: 100, declared_parameters: 97000}
            hardware: {gpu: h100-sxm}
            """);
        // 2 x (4 x 64 x 64 + 3 x 64 x 128 + 2 x 64) + 2 x 100 x 64 + 64 = 95,040: the declared 97,000 is 2.1% above.
        Assert.Equal(95_040, scenario.Model.TotalParameters);
        Assert.Empty(scenario.Warnings);
    }

    [Fact]
    public void A_config_json_path_is_read_relative_to_the_scenario()
    {
        string config = TestFiles.Write("""{"model_type": "qwen3", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 128, "vocab_size": 100}""", ".json");
        Scenario scenario = Read($"model: {Path.GetFileName(config)}\nhardware: {{gpu: h100-sxm}}\n");
        Assert.Equal(2, scenario.Model.LayerCount);
        Assert.Equal("qwen3", scenario.Model.Family);
    }

    [Fact]
    public void Json_scenarios_use_the_same_keys()
    {
        Scenario yaml = ScenarioReader.ReadFile(TestFiles.InRepository("examples", "llama-3.1-70b-4xh100.yaml"));
        Scenario json = ScenarioReader.ReadFile(TestFiles.InRepository("examples", "llama-3.1-70b-4xh100.json"));
        Assert.Equal(yaml.Parallel, json.Parallel);
        Assert.Equal(yaml.Workload, json.Workload);
        Assert.Equal(yaml.Requirements, json.Requirements);
        Assert.Equal(yaml.Model.TotalParameters, json.Model.TotalParameters);
    }

    [Fact]
    public void Every_example_reads()
    {
        string[] files = Directory.GetFiles(TestFiles.InRepository("examples"), "*.*", SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .ToArray();
        Assert.True(files.Length >= 8, "the examples folder holds the seed and real-world scenarios");
        foreach (string file in files)
        {
            Scenario scenario = ScenarioReader.ReadFile(file);
            Assert.NotNull(scenario.Model);
        }
    }

    // ---- bad input: each names the file, the field and the problem ----

    [Fact]
    public void A_missing_file_is_named()
    {
        InputException error = Assert.Throws<InputException>(() => ScenarioReader.ReadFile("no/such/scenario.yaml"));
        Assert.Equal("no/such/scenario.yaml", error.File);
        Assert.Contains("no such file", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_json_is_reported_with_its_line()
    {
        InputException error = Fails("{\n  \"model\": \"llama-3.1-70b\",\n  \"hardware\": {\"gpu\": \"h100", ".json");
        Assert.Contains("not valid JSON", error.Problem, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Problem, StringComparison.Ordinal);
        Assert.True(error.Line >= 3);
    }

    [Fact]
    public void Truncated_yaml_is_reported()
    {
        InputException error = Fails("model: llama-3.1-70b\nhardware:\n  gpu: [h100-sxm\n");
        Assert.Contains("not valid YAML", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_reported()
    {
        Assert.Contains("empty", Fails("   \n").Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_model_id_lists_the_close_matches()
    {
        InputException error = Fails("model: qwen3-253b-a22b\nhardware: {gpu: h100-sxm}\n");
        Assert.Equal("model", error.Field);
        Assert.Contains("unknown model 'qwen3-253b-a22b'", error.Problem, StringComparison.Ordinal);
        Assert.Contains("did you mean 'qwen3-235b-a22b'", error.Problem, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void An_unknown_GPU_id_lists_the_close_matches()
    {
        InputException error = Fails("model: llama-3.1-70b\nhardware: {gpu: h100}\n");
        Assert.Equal("hardware.gpu", error.Field);
        Assert.Contains("'h100-sxm'", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_field_is_named()
    {
        Assert.Equal("hardware", Fails("model: llama-3.1-70b\n").Field);
        Assert.Equal("hardware.gpu", Fails("model: llama-3.1-70b\nhardware: {gpus: 8}\n").Field);
        InputException inline = Fails("model: {hidden_size: 64, num_attention_heads: 4}\nhardware: {gpu: h100-sxm}\n");
        Assert.Equal("model.num_hidden_layers", inline.Field);
        InputException moe = Fails("model: {num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4, num_experts: 8, num_experts_per_tok: 2}\nhardware: {gpu: h100-sxm}\n");
        Assert.Equal("model.moe_intermediate_size", moe.Field);
        InputException gpu = Fails("model: llama-3.1-70b\nhardware: {gpu: {name: x, memory_gb: 80, tflops: 400}}\n");
        Assert.Equal("hardware.gpu.memory_bandwidth_tbps", gpu.Field);
    }

    [Theory]
    [InlineData("hardware: {gpu: h100-sxm, gpus: 0}", "hardware.gpus")]
    [InlineData("hardware: {gpu: h100-sxm, gpus: -8}", "hardware.gpus")]
    [InlineData("hardware: {gpu: h100-sxm}\nworkload: {output_tokens: 0}", "workload.output_tokens")]
    [InlineData("hardware: {gpu: h100-sxm}\nworkload: {concurrency: -1}", "workload.concurrency")]
    [InlineData("hardware: {gpu: h100-sxm}\nparallel: {tp: 0}", "parallel.tp")]
    [InlineData("hardware: {gpu: {name: g, memory_gb: -64, tflops: 400, memory_bandwidth_tbps: 1.8}}", "hardware.gpu.memory_gb")]
    [InlineData("hardware: {gpu: h100-sxm}\nworkload: {input_tokens: {min: 512, max: 128}}", "workload.input_tokens.max")]
    public void Negative_or_zero_sizes_are_refused(string rest, string field)
    {
        InputException error = Fails("model: llama-3.1-70b\n" + rest + "\n");
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_fractional_layer_count_is_refused()
    {
        InputException error = Fails("model: {num_hidden_layers: 2.5, hidden_size: 64, num_attention_heads: 4}\nhardware: {gpu: h100-sxm}\n");
        Assert.Equal("model.num_hidden_layers", error.Field);
        Assert.Contains("whole number", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void KV_heads_that_do_not_divide_the_heads_are_refused()
    {
        InputException error = Fails("model: {num_hidden_layers: 2, hidden_size: 512, num_attention_heads: 16, num_key_value_heads: 5}\nhardware: {gpu: h100-sxm}\n");
        Assert.Equal("model.num_key_value_heads", error.Field);
        Assert.Contains("5 does not divide num_attention_heads 16", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hidden_size_not_divisible_by_the_heads_without_head_dim_is_refused()
    {
        InputException error = Fails("model: {num_hidden_layers: 2, hidden_size: 500, num_attention_heads: 16}\nhardware: {gpu: h100-sxm}\n");
        Assert.Equal("model.head_dim", error.Field);
        Assert.Contains("hidden_size 500 is not divisible by num_attention_heads 16", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_whose_checkpoint_states_its_precision_runs_as_it_is_when_the_scenario_states_none()
    {
        Scenario scenario = Read("model: gpt-oss-120b\nhardware: {gpu: h100-sxm}\n");
        Assert.Equal(NumericFormat.Bf16, scenario.Precision.Weights);
        Assert.Equal(NumericFormat.Mxfp4, scenario.Precision.ExpertWeights);
        Assert.Equal(NumericFormat.Bf16, scenario.Precision.AttentionWeights);
        Assert.Equal(NumericFormat.Bf16, scenario.Precision.KvCache);
        Assert.Contains(scenario.Assumptions, a => a == "precision not given: the checkpoint's own (its quantization_config): weights bf16 (experts mxfp4), bf16 KV cache");

        // Stated weights are the default of every module (a dequantised bf16 run); a module key overrides them.
        Scenario bf16 = Read("model: gpt-oss-120b\nprecision: {weights: bf16}\nhardware: {gpu: h100-sxm}\n");
        Assert.False(bf16.Precision.IsPerModule);
        Scenario kvOnly = Read("model: gpt-oss-120b\nprecision: {kv_cache: fp8}\nhardware: {gpu: h100-sxm}\n");
        Assert.Equal((NumericFormat.Mxfp4, NumericFormat.Fp8), (kvOnly.Precision.ExpertWeights, kvOnly.Precision.KvCache));
    }

    [Fact]
    public void The_precision_names_a_format_per_module()
    {
        Scenario scenario = Read(Minimal + "\nprecision: {weights: fp8, attention: bf16, experts: mxfp4, dense: nvfp4, embeddings: fp8}\n");
        Precision p = scenario.Precision;
        Assert.Equal(
            (NumericFormat.Fp8, NumericFormat.Bf16, NumericFormat.Mxfp4, NumericFormat.Nvfp4, NumericFormat.Fp8),
            (p.Weights, p.AttentionWeights, p.ExpertWeights, p.DenseWeights, p.EmbeddingWeights));
        Assert.Equal(NumericFormat.Bf16, p.KvCache);   // the weights' default: 8-bit weights keep a bf16 KV cache
    }

    [Fact]
    public void An_unknown_precision_is_refused_with_the_choices()
    {
        InputException error = Fails(Minimal + "\nprecision: {weights: fp12}\n");
        Assert.Equal("precision.weights", error.Field);
        Assert.Contains("unknown precision 'fp12'", error.Problem, StringComparison.Ordinal);
        Assert.Contains("bf16, fp16, fp8, fp4, int8, int4", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_is_refused_as_a_likely_typo()
    {
        InputException error = Fails("model: llama-3.1-70b\nhardwre: {gpu: h100-sxm}\n");
        Assert.Equal("hardwre", error.Field);
        Assert.Contains("did you mean 'hardware'", error.Problem, StringComparison.Ordinal);
        Assert.Equal(2, error.Line);

        InputException nested = Fails(Minimal + "\nworkload: {input_token: 100}\n");
        Assert.Equal("workload.input_token", nested.Field);
        Assert.Contains("'input_tokens'", nested.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Utilisation_written_as_a_percentage_is_refused_with_a_hint()
    {
        InputException error = Fails(Minimal + "\nrequirements: {max_memory_utilization: 80}\n");
        Assert.Equal("requirements.max_memory_utilization", error.Field);
        Assert.Contains("write 0.8 for 80%", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Claims_accept_only_the_contract_keys()
    {
        InputException error = Fails(Minimal + "\nclaims: {ttft: 810}\n");
        Assert.Equal("claims.ttft", error.Field);
        Scenario scenario = Read(Minimal + "\nclaims: {ttft_ms: 810, total_gpus: 256}\n");
        Assert.Equal(810, scenario.Claims["ttft_ms"]);
    }
}
