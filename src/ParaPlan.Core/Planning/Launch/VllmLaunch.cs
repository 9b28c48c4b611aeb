using ParaPlan.Domain;
using static ParaPlan.Planning.LaunchSettings;

namespace ParaPlan.Planning;

/// <summary>
/// vLLM (<c>vllm serve</c>), flag names of vllm/engine/arg_utils.py. An instance over several nodes runs, when its data
/// parallel ranks fit whole nodes, as vLLM's multi-node data parallel deployment (docs.vllm.ai "Data Parallel
/// Deployment": <c>--data-parallel-size-local</c>, <c>--data-parallel-start-rank</c>, <c>--data-parallel-address</c>,
/// <c>--data-parallel-rpc-port</c>, <c>--headless</c> on the other nodes); otherwise (tp or pp across nodes) on a Ray
/// cluster (<c>--distributed-executor-backend ray</c>, docs.vllm.ai "Distributed inference and serving").
/// </summary>
internal static class VllmLaunch
{
    /// <summary>The port the data-parallel ranks of an instance talk over (vLLM's example uses 13345).</summary>
    private const int RpcPort = 13345;

    /// <summary>Ray's default head port.</summary>
    private const int RayPort = 6379;

    public static EngineLaunch Build(LaunchContext c)
    {
        Scenario scenario = c.Scenario;
        ParallelStrategy s = c.Strategy;
        var notes = new List<string>();
        bool expressible = Expressible(c, EngineKind.Vllm, notes);
        bool expertParallel = scenario.Model.IsMoe && s.ExpertParallel > 1;

        var args = new List<string> { $"vllm serve {c.Model.Name}", $"--tensor-parallel-size {s.TensorParallel}" };
        if (s.PipelineParallel > 1)
        {
            args.Add($"--pipeline-parallel-size {s.PipelineParallel}");
        }

        if (s.DataParallel > 1)
        {
            args.Add($"--data-parallel-size {s.DataParallel}");
        }

        if (expertParallel)
        {
            args.Add("--enable-expert-parallel");
            if (s.RedundantExperts > 0)
            {
                // EPLB with the plan's redundant expert slots (vLLM's --num-redundant-experts, read with --enable-eplb).
                args.Add("--enable-eplb");
                args.Add($"--num-redundant-experts {s.RedundantExperts}");
            }
        }

        if (c.Estimate.FrontEnd.ApiServers > 1)
        {
            // The front end the plan sized (docs/cost-model.md, "The front end"): more API-server processes than one.
            args.Add($"--api-server-count {c.Estimate.FrontEnd.ApiServers}");
        }

        args.Add($"--max-num-seqs {Whole(c.Estimate.RunningSequencesPerGroup)}");
        args.Add($"--max-model-len {scenario.Workload.MaxContextTokens}");
        args.Add("--max-num-batched-tokens 8192");
        args.Add($"--gpu-memory-utilization {Num(c.Memory.VllmGpuMemoryUtilization)}");
        if (scenario.Precision.KvCache == NumericFormat.Fp8)
        {
            args.Add("--kv-cache-dtype fp8");
        }

        QuantizeOnLoad(c, args, notes, "vLLM", "vLLM's dynamic FP8 of a 16-bit checkpoint");

        LaunchSettings.Common(scenario, s, notes);
        return Make("vllm", expressible, PerNode(scenario, s, args, notes), notes, c.Model);
    }

    private static List<IReadOnlyList<string>> PerNode(Scenario scenario, ParallelStrategy s, List<string> args, List<string> notes)
    {
        int nodes = Nodes(scenario, s);
        if (nodes <= 1)
        {
            return [args];
        }

        int perNode = Math.Max(1, scenario.Hardware.GpusPerNode);
        long rankGpus = (long)s.TensorParallel * s.PipelineParallel * s.SequenceParallel;
        if (s.DataParallel > 1 && rankGpus <= perNode && perNode % rankGpus == 0)
        {
            int local = (int)(perNode / rankGpus);
            var commands = new List<IReadOnlyList<string>>();
            for (int node = 0; node < nodes; node++)
            {
                int start = node * local;
                int here = Math.Min(local, s.DataParallel - start);
                var nodeArgs = new List<string>(args) { $"--data-parallel-size-local {here}" };
                if (node > 0)
                {
                    nodeArgs.Add("--headless");
                    nodeArgs.Add($"--data-parallel-start-rank {start}");
                }

                nodeArgs.Add($"--data-parallel-address {LeaderHost}");
                nodeArgs.Add($"--data-parallel-rpc-port {RpcPort}");
                commands.Add(nodeArgs);
            }

            notes.Add($"multi-node data parallel: {local} DP ranks of {rankGpus} GPUs per node; node 0 serves the API, the others run headless");
            return commands;
        }

        var leader = new List<string> { $"ray start --head --port {RayPort}\n{args[0]}" };
        leader.AddRange(args.Skip(1));
        leader.Add("--distributed-executor-backend ray");
        if (s.DataParallel > 1)
        {
            // Data-parallel ranks placed by Ray over the cluster rather than started per node.
            leader.Add("--data-parallel-backend ray");
        }

        var result = new List<IReadOnlyList<string>> { leader };
        for (int node = 1; node < nodes; node++)
        {
            result.Add([$"ray start --address {LeaderHost}:{RayPort} --block"]);
        }

        notes.Add($"tensor/pipeline parallelism across {nodes} nodes runs on a Ray cluster: start Ray on node 0, then the workers on the other nodes, and run vllm serve on node 0 once `ray status` shows all {nodes} nodes");
        return result;
    }
}
