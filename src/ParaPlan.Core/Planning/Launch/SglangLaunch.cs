using ParaPlan.Domain;
using static ParaPlan.Planning.LaunchSettings;

namespace ParaPlan.Planning;

/// <summary>
/// SGLang (<c>python -m sglang.launch_server</c>), flag names of python/sglang/srt/server_args.py. An instance over
/// several nodes runs the same command on every node with <c>--nnodes</c>, <c>--node-rank</c> and
/// <c>--dist-init-addr</c> (the address and port of node 0, where the distributed setup meets).
/// </summary>
internal static class SglangLaunch
{
    /// <summary>The port of <c>--dist-init-addr</c> (SGLang's multi-node examples use 5000).</summary>
    private const int InitPort = 5000;

    public static EngineLaunch Build(LaunchContext c)
    {
        Scenario scenario = c.Scenario;
        ParallelStrategy s = c.Strategy;
        var notes = new List<string>();
        bool expressible = Expressible(c, EngineKind.Sglang, notes);

        long stage = s.GpusPerStage;
        var args = new List<string> { $"python -m sglang.launch_server --model-path {c.Model.Name}", $"--tp-size {stage}" };
        if (s.DataParallel > 1)
        {
            args.Add($"--dp-size {s.DataParallel}");
            args.Add("--enable-dp-attention");
        }

        if (scenario.Model.IsMoe && s.ExpertParallel > 1)
        {
            args.Add($"--ep-size {s.ExpertParallel}");
            if (s.RedundantExperts > 0)
            {
                // EPLB with the plan's redundant expert slots.
                args.Add("--enable-eplb");
                args.Add($"--ep-num-redundant-experts {s.RedundantExperts}");
            }

            if (s.DataParallel > 1)
            {
                args.Add("--moe-a2a-backend deepep");
                if (scenario.Engine == EngineKind.Sglang)
                {
                    // The plan's SGLang profile costs the all-to-all as overlapped with the other micro-batch's compute.
                    args.Add("--enable-two-batch-overlap");
                }
            }
        }

        if (s.PipelineParallel > 1)
        {
            args.Add($"--pp-size {s.PipelineParallel}");
        }

        args.Add($"--max-running-requests {Whole(c.Estimate.RunningSequencesPerGroup * s.DataParallel)}");
        args.Add($"--context-length {scenario.Workload.MaxContextTokens}");
        args.Add("--chunked-prefill-size 8192");

        // (weights + KV pool) / GPU memory: SGLang's static share (LaunchMemory).
        args.Add($"--mem-fraction-static {Num(c.Memory.SglangMemFractionStatic)}");
        if (scenario.Precision.KvCache == NumericFormat.Fp8)
        {
            args.Add("--kv-cache-dtype fp8_e4m3");
        }

        QuantizeOnLoad(c, args, notes, "SGLang", "SGLang's online FP8 of a 16-bit checkpoint");

        notes.Add($"SGLang's --tp-size counts every GPU of a pipeline stage ({stage} = tp {s.TensorParallel} x dp {s.DataParallel} x sp {s.SequenceParallel}); --dp-size splits attention inside it");
        LaunchSettings.Common(scenario, s, notes);
        int nodes = Nodes(scenario, s);
        var commands = new List<IReadOnlyList<string>>();
        if (nodes <= 1)
        {
            commands.Add(args);
        }
        else
        {
            for (int node = 0; node < nodes; node++)
            {
                commands.Add([.. args, $"--nnodes {nodes}", $"--node-rank {node}", $"--dist-init-addr {LeaderHost}:{InitPort}"]);
            }

            notes.Add($"run the command of node i on node i (the same command with --node-rank 0 to {nodes - 1}); node 0 serves the API");
        }

        return Make("sglang", expressible, commands, notes, c.Model);
    }
}
