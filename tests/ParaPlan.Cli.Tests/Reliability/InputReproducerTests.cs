namespace ParaPlan.Tests;

/// <summary>
/// Issue 19's input reproducers (copied into Reliability/repros with their provenance): each once crashed (stack
/// overflow, out of memory, OverflowException), ran without end or printed nonsense. Now each is bad input: exit code
/// 2 and one line on standard error naming the file, the field and the problem, no stack trace.
/// </summary>
public class InputReproducerTests
{
    private static string Repro(string name) => TestFiles.InRepository("tests", "ParaPlan.Cli.Tests", "Reliability", "repros", name);

    [Fact]
    public void D03_a_model_file_naming_itself_is_a_cycle_not_a_stack_overflow()
    {
        CliRun run = CliRun.Of("check", Repro("d03-model-self-reference.yaml"));
        Reliability.AssertOneLine(run, "d03-model-self-reference.yaml:2: model: 'd03-model-self-reference.yaml' is this file itself, so the model is never defined");
    }

    [Fact]
    public void D04_twenty_thousand_nested_lists_stop_at_64_levels()
    {
        CliRun run = CliRun.Of("check", Repro("d04-deep-yaml-20000.yaml"));
        Reliability.AssertOneLine(run, "d04-deep-yaml-20000.yaml:4: description: lists and maps are nested more than 64 deep, the most ParaPlan reads");
    }

    [Fact]
    public void D05_a_yaml_alias_bomb_ends_at_its_first_alias()
    {
        CliRun run = CliRun.Of("check", Repro("d05-billion-laughs.yaml"));
        Reliability.AssertOneLine(run, "d05-billion-laughs.yaml:3: k_b[0]: YAML aliases (*a) are not supported; write the value out in full.");
    }

    [Fact]
    public void D06_prompt_and_output_of_two_billion_tokens_each_are_out_of_range()
    {
        CliRun run = CliRun.Of("estimate", Repro("d06-overflow-input-plus-output.yaml"));
        Reliability.AssertOneLine(run, "d06-overflow-input-plus-output.yaml:5: workload.input_tokens: 2000000000 is more than 16,777,216, the most ParaPlan accepts");
    }

    [Fact]
    public void D06b_sp_beyond_the_prompt_is_refused_before_any_product_overflows()
    {
        CliRun run = CliRun.Of("estimate", Repro("d06b-overflow-sp-dp.yaml"));
        Reliability.AssertOneLine(run, "d06b-overflow-sp-dp.yaml:4: parallel.sp: 65536 is more than the 1024 prompt tokens it splits");
    }

    [Fact]
    public void D06c_a_config_with_two_billion_experts_is_out_of_range()
    {
        CliRun run = CliRun.Of("model", Repro("d06c-config-overflow.json"));
        Reliability.AssertOneLine(run, "d06c-config-overflow.json:4: num_local_experts: 2147483647 is more than 65,536, the most ParaPlan accepts");
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("markdown")]
    public void D07_a_GPU_latency_of_1e308_is_out_of_range_in_every_format(string format)
    {
        CliRun run = CliRun.Of("estimate", Repro("d07-infinity-json.yaml"), "--format", format);
        Reliability.AssertOneLine(run, "d07-infinity-json.yaml:4: hardware.gpu.intra_node_latency_us: 1e308 is more than 1,000,000, the most ParaPlan accepts");
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public void D08_two_billion_layers_are_out_of_range()
    {
        CliRun run = CliRun.Of("check", Repro("d08-layers-maxint.yaml"));
        Reliability.AssertOneLine(run, "d08-layers-maxint.yaml:2: model.num_hidden_layers: 2147483647 is more than 1,024, the most ParaPlan accepts");
    }

    [Fact]
    public void D08_dev_zero_is_binary_and_not_read_without_end()
    {
        Assert.True(File.Exists("/dev/zero"), "this test needs /dev/zero (Linux, macOS)");
        Reliability.AssertOneLine(CliRun.Of("check", "/dev/zero"), "/dev/zero: the file is binary, not YAML or JSON text.");
    }

    [Fact]
    public void D10_two_thousand_GPUs_per_node_are_out_of_range()
    {
        CliRun run = CliRun.Of("plan", Repro("d10-gpus-per-node-ample.yaml"));
        Reliability.AssertOneLine(run, "d10-gpus-per-node-ample.yaml:3: hardware.gpus_per_node: 2000 is more than 1,024, the most ParaPlan accepts");
    }

    [Theory]
    [InlineData("check")]
    [InlineData("estimate")]
    [InlineData("plan")]
    [InlineData("audit")]
    public void D11_sp_of_a_million_on_1024_token_prompts_is_refused(string command)
    {
        CliRun run = CliRun.Of(command, Repro("d11-sp-million.yaml"));
        Reliability.AssertOneLine(run, "d11-sp-million.yaml:4: parallel.sp: 1000000 is more than the 1024 prompt tokens it splits (workload.input_tokens)");
    }

    [Fact]
    public void Sp_beyond_the_prompt_is_refused_from_the_command_line_too()
    {
        string scenario = TestFiles.Write("model: qwen3-8b\nhardware: {gpu: h100-sxm}\nworkload: {input_tokens: 1024, output_tokens: 256, concurrency: 16}\n");
        CliRun run = CliRun.Of("estimate", scenario, "--parallel", "sp=2048");
        Reliability.AssertOneLine(run, $"{scenario}: parallel.sp: 2048 is more than the 1024 prompt tokens it splits");
    }
}
