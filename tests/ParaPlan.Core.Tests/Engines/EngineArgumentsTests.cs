using ParaPlan.Engines;

namespace ParaPlan.Tests.Engines;

/// <summary>The captured argument lists hold the engines' real flags (data/engines) and refuse made-up ones and bad values.</summary>
public class EngineArgumentsTests
{
    [Theory]
    [InlineData("vllm", "--tensor-parallel-size")]
    [InlineData("vllm", "-tp")]
    [InlineData("vllm", "--enable-expert-parallel")]
    [InlineData("vllm", "--no-enable-expert-parallel")]
    [InlineData("vllm", "--data-parallel-size")]
    [InlineData("vllm", "--api-server-count")]
    [InlineData("vllm", "--gpu-memory-utilization")]
    [InlineData("vllm", "--max-model-len")]
    [InlineData("vllm", "--kv-cache-dtype")]
    [InlineData("sglang", "--tp-size")]
    [InlineData("sglang", "--tensor-parallel-size")]
    [InlineData("sglang", "--dp-size")]
    [InlineData("sglang", "--enable-dp-attention")]
    [InlineData("sglang", "--ep-size")]
    [InlineData("sglang", "--ep")]
    [InlineData("sglang", "--mem-fraction-static")]
    [InlineData("sglang", "--nnodes")]
    [InlineData("sglang", "--node-rank")]
    [InlineData("sglang", "--dist-init-addr")]
    [InlineData("sglang", "--moe-a2a-backend")]
    [InlineData("sglang", "--fp8-gemm-backend")]
    [InlineData("trtllm", "--tp_size")]
    [InlineData("trtllm", "--tensor_parallel_size")]
    [InlineData("trtllm", "--ep_size")]
    [InlineData("trtllm", "--moe_expert_parallel_size")]
    [InlineData("trtllm", "--extra_llm_api_options")]
    [InlineData("trtllm", "--config")]
    [InlineData("trtllm", "--kv_cache_free_gpu_memory_fraction")]
    public void Real_flags_exist(string engine, string flag) => Assert.True(EngineArguments.Has(engine, flag), flag);

    [Theory]
    [InlineData("vllm", "--tp-size")]
    [InlineData("vllm", "--enable-dp-attention")]
    [InlineData("vllm", "--expert-parallel-size")]
    [InlineData("sglang", "--tp")]
    [InlineData("sglang", "--enable-expert-parallel")]
    [InlineData("sglang", "--fp8-gemm-runner-backend")]
    [InlineData("trtllm", "--tp-size")]
    [InlineData("trtllm", "--enable_attention_dp")]
    [InlineData("trtllm", "--kv-cache-free-gpu-memory-fraction")]
    public void Made_up_flags_do_not(string engine, string flag) => Assert.False(EngineArguments.Has(engine, flag), flag);

    [Theory]
    [InlineData("vllm", "--tensor-parallel-size", "8")]
    [InlineData("vllm", "--gpu-memory-utilization", "0.9")]
    [InlineData("vllm", "--enable-expert-parallel", null)]
    [InlineData("vllm", "--compilation-config", "{\"level\": 3}")]
    [InlineData("sglang", "--kv-cache-dtype", "fp8_e4m3")]
    [InlineData("sglang", "--moe-a2a-backend", "deepep")]
    [InlineData("sglang", "--mem-fraction-static", "0.85")]
    [InlineData("sglang", "--enable-dp-attention", null)]
    [InlineData("trtllm", "--backend", "pytorch")]
    [InlineData("trtllm", "--kv_cache_free_gpu_memory_fraction", "0.9")]
    [InlineData("trtllm", "--trust_remote_code", null)]
    public void Good_values_parse(string engine, string flag, string? value) => Assert.Null(EngineArguments.CheckValue(engine, flag, value));

    [Theory]
    [InlineData("vllm", "--tensor-parallel-size", "8.5", "integer")]
    [InlineData("vllm", "--gpu-memory-utilization", "most", "number")]
    [InlineData("vllm", "--enable-expert-parallel", "true", "takes no value")]
    [InlineData("vllm", "--max-num-seqs", null, "needs a value")]
    [InlineData("vllm", "--compilation-config", "{level", "JSON")]
    [InlineData("sglang", "--kv-cache-dtype", "fp8", "one of")]
    [InlineData("sglang", "--moe-a2a-backend", "deepep-ll", "one of")]
    [InlineData("sglang", "--tp-size", "eight", "integer")]
    [InlineData("trtllm", "--backend", "onnx", "one of")]
    [InlineData("trtllm", "--tp-size", "8", "not a flag")]
    public void Bad_values_are_refused(string engine, string flag, string? value, string expected) =>
        Assert.Contains(expected, EngineArguments.CheckValue(engine, flag, value), StringComparison.Ordinal);

    [Fact]
    public void Every_list_says_where_it_came_from()
    {
        Assert.Equal("99d7eb5d6a512cfcc5a2b104f24ebf2d6cda772b", EngineArguments.For("vllm").Commit);
        Assert.Equal("sgl-project/sglang", EngineArguments.For("sglang").Repo);
        Assert.False(EngineArguments.For("sglang").Complete);
        Assert.Equal("00209af149e7774406881a37283dce303571eb11", EngineArguments.For("trtllm").Commit);
        Assert.Same(EngineArguments.Find("trtllm", "--ep_size"), EngineArguments.Find("trtllm", "--moe_expert_parallel_size"));
    }

    [Fact]
    public void A_printed_command_splits_into_flags_and_values()
    {
        EngineCommandLine line = EngineCommandLine.Parse("vllm serve Qwen/Qwen3-235B-A22B \\\n  --tensor-parallel-size 8 \\\n  --enable-expert-parallel --max-model-len=4096 --kv-cache-dtype fp8");
        Assert.Equal("vllm", line.Engine);
        Assert.Equal(["Qwen/Qwen3-235B-A22B"], line.Positional);
        Assert.Equal(
            [new CommandFlag("--tensor-parallel-size", "8"), new CommandFlag("--enable-expert-parallel", null), new CommandFlag("--max-model-len", "4096"), new CommandFlag("--kv-cache-dtype", "fp8")],
            line.Flags);
        Assert.Empty(line.Problems());
        Assert.Equal("sglang", EngineCommandLine.Parse("python -m sglang.launch_server --model-path m --tp-size 8").Engine);
        Assert.Throws<FormatException>(() => EngineCommandLine.Parse("docker run vllm"));
    }

    [Fact]
    public void A_command_with_a_wrong_flag_or_value_names_it()
    {
        IReadOnlyList<string> problems = EngineCommandLine.Parse("trtllm-serve m --tp-size 8 --ep_size two --trust_remote_code").Problems();
        Assert.Equal(2, problems.Count);
        Assert.Contains("--tp-size is not a flag", problems[0], StringComparison.Ordinal);
        Assert.Contains("--ep_size takes an integer", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Extra_options_yaml_is_checked_against_the_captured_keys()
    {
        Assert.Empty(EngineArguments.CheckExtraOptionsYaml("enable_attention_dp: true\nkv_cache_config:\n  free_gpu_memory_fraction: 0.85\n"));
        IReadOnlyList<string> problems = EngineArguments.CheckExtraOptionsYaml("enable_attention_dp: yes-please\nenable_attention_tp: true\nkv_cache_config: {free_gpu_memory_fraction: lots}\n");
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("enable_attention_dp takes true or false", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("enable_attention_tp is not among", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("kv_cache_config.free_gpu_memory_fraction takes a number", StringComparison.Ordinal));
    }
}
