using System.Globalization;
using System.Text;
using ParaPlan.CostModel;
using ParaPlan.Domain;

namespace ParaPlan.Planning;

/// <summary>
/// The files <c>paraplan plan FILE --emit DIR</c> writes (issue 20): per engine that can run the plan, one shell script
/// per node, the files the commands read (TensorRT-LLM's extra.yaml; for a disaggregated plan its pools' extra options,
/// disagg_config.yaml and router.sh), a Kubernetes manifest (a Deployment for an
/// instance on one node, a LeaderWorkerSet for an instance across nodes) and a benchmark script that prints the
/// plan's predicted figures beside the engine's own benchmark command, so the plan can be checked once deployed.
/// </summary>
public static class LaunchBundle
{
    /// <summary>Container images the manifests name: the engines' published images at their moving tags (an assumption; pin a version).</summary>
    private static readonly Dictionary<string, string> Images = new(StringComparer.Ordinal)
    {
        ["vllm"] = "vllm/vllm-openai:latest",
        ["sglang"] = "lmsysorg/sglang:latest",
        ["trtllm"] = "nvcr.io/nvidia/tensorrt-llm/release:latest",
    };

    /// <summary>Every file, by path relative to the output folder, with its text.</summary>
    public static IReadOnlyDictionary<string, string> Files(PlanResult plan, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(scenario);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        EstimateResult best = plan.Best;
        var readme = new StringBuilder();
        readme.AppendLine("# Launch bundle written by paraplan plan --emit")
            .AppendLine()
            .AppendLine(best.Disaggregation is { } d
                ? Invariant($"Disaggregated {d.Layout} on {d.Gpus} GPUs: prefill tp{d.Prefill.Instance.Tp} dp{d.Prefill.Instance.Dp} ep{d.Prefill.Instance.Ep} pp{d.Prefill.Instance.Pp} x{d.Prefill.Instances}, decode tp{d.Decode.Instance.Tp} dp{d.Decode.Instance.Dp} ep{d.Decode.Instance.Ep} pp{d.Decode.Instance.Pp} x{d.Decode.Instances}.")
                : string.Empty)
            .AppendLine(Invariant($"Strategy tp{best.Parallel.Tp} sp{best.Parallel.Sp} dp{best.Parallel.Dp} pp{best.Parallel.Pp} ep{best.Parallel.Ep} x{best.Parallel.Replicas} replicas on {best.Parallel.Gpus} GPUs{(best.Disaggregation is null ? string.Empty : " (the decode pool)")}; predicted TTFT {best.TtftMs:0} ms, TPOT {best.TpotMs:0.0} ms, {best.OutputTokensPerSPerGpu:0} output tokens/s per GPU at {best.Concurrency} sequences in flight."))
            .AppendLine(plan.Infeasible is { } why ? $"NOT FEASIBLE: {why}" : "Feasible.")
            .AppendLine()
            .AppendLine("Per engine: node-N.sh (run node N's on node N; replace NODE0_ADDR with the first node's address), k8s.yaml (images at their")
            .AppendLine("moving tags: pin a version), benchmark.sh (the engine's benchmark client against the plan's workload, predicted figures beside it).")
            .AppendLine();
        foreach (EngineLaunch launch in plan.Launch)
        {
            if (!launch.Expressible)
            {
                readme.AppendLine(Invariant($"- {launch.Engine}: cannot run this strategy as is ({string.Join("; ", launch.Notes)})"));
                continue;
            }

            if (launch.PrefillCommands is { } prefillCommands && launch.DecodeCommands is { } decodeCommands)
            {
                // A disaggregated plan: one script per node of a prefill instance and of a decode instance, the router in the README.
                readme.AppendLine(Invariant($"- {launch.Engine}/: prefill-node-N.sh ({prefillCommands.Count} per prefill instance), decode-node-N.sh ({decodeCommands.Count} per decode instance), model {launch.Model}; {string.Join("; ", launch.Notes.Take(2))}"));
                // Scripts whose commands read files beside them (TensorRT-LLM's extra options) run from their folder.
                bool local = launch.Files.Count > 0;
                for (int node = 0; node < prefillCommands.Count; node++)
                {
                    files[$"{launch.Engine}/prefill-node-{node}.sh"] = ScriptOf(prefillCommands[node], launch.Engine, $"prefill instance, node {node} of {prefillCommands.Count}", best, local);
                }

                for (int node = 0; node < decodeCommands.Count; node++)
                {
                    files[$"{launch.Engine}/decode-node-{node}.sh"] = ScriptOf(decodeCommands[node], launch.Engine, $"decode instance, node {node} of {decodeCommands.Count}", best, local);
                }

                foreach ((string name, string text) in launch.Files)
                {
                    files[$"{launch.Engine}/{name}"] = text;
                }

                if (launch.Engine == "trtllm")
                {
                    // TensorRT-LLM's router is trtllm-serve itself (trtllm-serve disaggregated), configured by disagg_config.yaml.
                    files["trtllm/router.sh"] = ScriptOf(DisaggregatedTrtLlm.RouterCommand, launch.Engine, "router (trtllm-serve disaggregated; edit the urls in disagg_config.yaml first)", best, true);
                    readme.AppendLine(Invariant($"  trtllm: prefill-extra.yaml and decode-extra.yaml (each pool's --extra_llm_api_options: cache_transceiver_config backend {DisaggregatedTrtLlm.Backend}; the context servers' disable_overlap_scheduler), disagg_config.yaml and router.sh (trtllm-serve disaggregated on port {DisaggregatedTrtLlm.RouterPort})"));
                }

                bool multinode = prefillCommands.Count > 1 || decodeCommands.Count > 1;
                if (DynamoGraph(launch, best) is { } graph)
                {
                    files[$"{launch.Engine}/dynamo.yaml"] = graph;
                    readme.AppendLine(Invariant($"  {launch.Engine}: dynamo.yaml, an NVIDIA Dynamo DynamoGraphDeployment of both pools (kubectl apply -f; its frontend routes each request to a prefill and a decode worker{(multinode ? "; a pool whose instance spans nodes has multinode.nodeCount, and the operator adds each node's --dist-init-addr, --nnodes and --node-rank" : string.Empty)}); benchmark.sh runs against the frontend or the router"));
                }
                else if (launch.Engine != "vllm")
                {
                    readme.AppendLine(Invariant($"  {launch.Engine}: no Kubernetes manifest (a Dynamo graph is written for vLLM and SGLang only); benchmark.sh runs against the router"));
                }
                else
                {
                    readme.AppendLine(Invariant($"  {launch.Engine}: no Kubernetes manifest: an instance spans several nodes, which Dynamo's operator runs for vLLM through Ray (ray start prepended to a shell command), a form this bundle does not write; benchmark.sh runs against the router"));
                }

                files[$"{launch.Engine}/benchmark.sh"] = Benchmark(launch, scenario, best);
                continue;
            }

            readme.AppendLine(Invariant($"- {launch.Engine}/: {launch.Commands.Count} node script(s), model {launch.Model}"));
            for (int node = 0; node < launch.Commands.Count; node++)
            {
                files[$"{launch.Engine}/node-{node}.sh"] = Script(launch, node, best);
            }

            foreach ((string name, string text) in launch.Files)
            {
                files[$"{launch.Engine}/{name}"] = text;
            }

            long instanceGpus = best.Parallel.Gpus / Math.Max(1, best.Parallel.Replicas);
            long instanceNodes = (instanceGpus + scenario.Hardware.GpusPerNode - 1) / Math.Max(1, scenario.Hardware.GpusPerNode);
            if (launch.Commands.Count < instanceNodes)
            {
                // One launcher (mpirun) starts every node: on Kubernetes that is an MPI job (e.g. the Kubeflow MPI
                // Operator), whose pods need SSH between them; not written.
                readme.AppendLine(Invariant($"  {launch.Engine}: no k8s.yaml: one mpirun starts all {instanceNodes} nodes of an instance; on Kubernetes run it as an MPI job (e.g. the Kubeflow MPI Operator)"));
            }
            else
            {
                files[$"{launch.Engine}/k8s.yaml"] = Manifest(launch, scenario, best);
            }

            files[$"{launch.Engine}/benchmark.sh"] = Benchmark(launch, scenario, best);
        }

        files["README.md"] = readme.ToString();
        return files;
    }

    /// <summary>
    /// An NVIDIA Dynamo DynamoGraphDeployment of a disaggregated plan (for vLLM, one whose instances each fit a node; for
    /// SGLang, multinode pools too, with <c>multinode.nodeCount</c>) in the form of
    /// ai-dynamo/dynamo components/backends/{vllm,sglang}/deploy/disagg.yaml: a frontend, the prefill workers and the
    /// decode workers, each worker running the engine's own arguments through <c>python3 -m dynamo.vllm</c> (with
    /// <c>--is-prefill-worker</c> on the prefill pool) or <c>python3 -m dynamo.sglang</c> (with its
    /// <c>--disaggregation-mode</c>). Dynamo's own parser adds flags to the engine's; it was not captured, so only the
    /// engine's flags are checked.
    /// </summary>
    private static string? DynamoGraph(EngineLaunch launch, EstimateResult best)
    {
        bool multinode = launch.PrefillCommands!.Count > 1 || launch.DecodeCommands!.Count > 1;
        if (best.Disaggregation is not { } d || launch.Engine is not ("vllm" or "sglang") || (multinode && launch.Engine == "vllm"))
        {
            return null;
        }

        string image = launch.Engine == "vllm" ? "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1" : "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.6.1";
        string module = launch.Engine == "vllm" ? "dynamo.vllm" : "dynamo.sglang";
        string prefix = launch.Engine == "vllm" ? "Vllm" : "Sglang";
        var text = new StringBuilder()
            .AppendLine("# Written by paraplan plan --emit: both pools of the disaggregated plan " + d.Layout + " as an NVIDIA Dynamo graph.")
            .AppendLine("apiVersion: nvidia.com/v1alpha1")
            .AppendLine("kind: DynamoGraphDeployment")
            .AppendLine("metadata:")
            .AppendLine(Invariant($"  name: paraplan-{launch.Engine}-disagg"))
            .AppendLine("spec:")
            .AppendLine("  services:")
            .AppendLine("    Frontend:")
            .AppendLine("      componentType: frontend")
            .AppendLine("      replicas: 1")
            .AppendLine("      extraPodSpec:")
            .AppendLine("        mainContainer:")
            .AppendLine(Invariant($"          image: {image}"));
        Worker("Prefill", "prefill", d.Prefill, launch.PrefillCommands!, launch.Engine == "vllm" ? ["--is-prefill-worker"] : []);
        Worker("Decode", "decode", d.Decode, launch.DecodeCommands!, []);
        return text.ToString();

        void Worker(string name, string sub, ParaPlan.CostModel.Disaggregation.PoolReport pool, IReadOnlyList<string> nodes, IReadOnlyList<string> extra)
        {
            // The engine's arguments after its entry point (vllm serve MODEL / python -m sglang.launch_server), one per
            // item: node 0's, less the flags Dynamo's operator adds to each node of a multinode worker (SGLang:
            // --dist-init-addr LEADER:29500 --nnodes N --node-rank R; ai-dynamo/dynamo deploy/cloud/operator/internal/
            // dynamo/backend_sglang.go getMultinodeFlags).
            string[] tokens = nodes[0].Replace(" \\\n  ", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int skip = launch.Engine == "vllm" ? 2 : 3;
            List<string> args = launch.Engine == "vllm" ? ["--model", tokens[2], .. tokens.Skip(skip + 1)] : [.. tokens.Skip(skip)];
            if (nodes.Count > 1)
            {
                foreach (string injected in OperatorMultinodeFlags)
                {
                    int at = args.IndexOf(injected);
                    if (at >= 0)
                    {
                        args.RemoveRange(at, Math.Min(2, args.Count - at));
                    }
                }
            }

            args.AddRange(extra);
            text.AppendLine(Invariant($"    {prefix}{name}Worker:"))
                .AppendLine("      componentType: worker")
                .AppendLine(Invariant($"      subComponentType: {sub}"))
                .AppendLine(Invariant($"      replicas: {pool.Instances}"));
            if (nodes.Count > 1)
            {
                // multinode.nodeCount x the gpu limit (GPUs per node) = the instance's GPUs (Dynamo's multinode
                // deployment guide, docs/guides/dynamo_deploy/multinode-deployment.md).
                text.AppendLine("      multinode:")
                    .AppendLine(Invariant($"        nodeCount: {nodes.Count}"));
            }

            text.AppendLine("      resources:")
                .AppendLine("        limits:")
                .AppendLine(Invariant($"          gpu: \"{pool.Instance.Gpus / nodes.Count}\""))
                .AppendLine("      extraPodSpec:")
                .AppendLine("        mainContainer:")
                .AppendLine(Invariant($"          image: {image}"))
                .AppendLine(Invariant($"          command: [python3, -m, {module}]"))
                .AppendLine("          args:");
            foreach (string arg in args)
            {
                text.AppendLine($"            - {Quote(arg)}");
            }
        }

        static string Quote(string arg) => "\"" + arg.Trim('\'').Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>The flags Dynamo's operator appends to every node of a multinode SGLang worker (with their values).</summary>
    private static readonly string[] OperatorMultinodeFlags = ["--dist-init-addr", "--nnodes", "--node-rank"];

    private static string ScriptOf(string command, string engine, string what, EstimateResult best, bool local = false)
    {
        var text = new StringBuilder()
            .AppendLine("#!/usr/bin/env bash")
            .AppendLine(Invariant($"# {engine}: {what} of the plan {best.Disaggregation?.Layout} ({best.Disaggregation?.Gpus} GPUs)."))
            .AppendLine("set -euo pipefail");
        if (local)
        {
            text.AppendLine("cd \"$(dirname \"$0\")\"");
        }

        return text.AppendLine(command).ToString();
    }

    private static string Script(EngineLaunch launch, int node, EstimateResult best)
    {
        var text = new StringBuilder();
        text.AppendLine("#!/usr/bin/env bash")
            .AppendLine(Invariant($"# {launch.Engine}, node {node} of {launch.Commands.Count}: written by paraplan plan --emit."))
            .AppendLine(Invariant($"# Predicted: TTFT {best.TtftMs:0} ms, TPOT {best.TpotMs:0.0} ms, {best.OutputTokensPerSPerGpu:0} output tokens/s per GPU."));
        foreach (string note in launch.Notes)
        {
            text.AppendLine("# " + note.Replace('\n', ' '));
        }

        text.AppendLine("set -euo pipefail")
            .AppendLine("cd \"$(dirname \"$0\")\"")
            .AppendLine("NODE0_ADDR=\"${NODE0_ADDR:-127.0.0.1}\"")
            .AppendLine(launch.Commands[node].Replace("NODE0_ADDR", "${NODE0_ADDR}", StringComparison.Ordinal));
        return text.ToString();
    }

    private static string Manifest(EngineLaunch launch, Scenario scenario, EstimateResult best)
    {
        int nodes = launch.Commands.Count;
        long gpusPerPod = Math.Min(scenario.Hardware.GpusPerNode, best.Parallel.Gpus / Math.Max(1, best.Parallel.Replicas));
        string name = Invariant($"paraplan-{launch.Engine}");
        var text = new StringBuilder();
        text.AppendLine(Invariant($"# {launch.Engine}: {best.Parallel.Replicas} instance(s) of {nodes} node(s), {gpusPerPod} GPUs per pod. Image at a moving tag: pin a version."));
        if (nodes == 1)
        {
            text.AppendLine("apiVersion: apps/v1")
                .AppendLine("kind: Deployment")
                .AppendLine("metadata:")
                .AppendLine($"  name: {name}")
                .AppendLine("spec:")
                .AppendLine(Invariant($"  replicas: {best.Parallel.Replicas}"))
                .AppendLine("  selector:")
                .AppendLine("    matchLabels:")
                .AppendLine($"      app: {name}")
                .AppendLine("  template:")
                .AppendLine("    metadata:")
                .AppendLine("      labels:")
                .AppendLine($"        app: {name}")
                .AppendLine("    spec:")
                .Append(Container(launch, launch.Commands[0], gpusPerPod, "      "));
            return text.ToString();
        }

        // A LeaderWorkerSet (sigs.k8s.io/lws) groups the pods of one instance: the leader runs node 0, each worker
        // node LWS_WORKER_INDEX; LWS_LEADER_ADDRESS is the leader's address.
        text.AppendLine("apiVersion: leaderworkerset.x-k8s.io/v1")
            .AppendLine("kind: LeaderWorkerSet")
            .AppendLine("metadata:")
            .AppendLine($"  name: {name}")
            .AppendLine("spec:")
            .AppendLine(Invariant($"  replicas: {best.Parallel.Replicas}"))
            .AppendLine("  leaderWorkerTemplate:")
            .AppendLine(Invariant($"    size: {nodes}"))
            .AppendLine("    leaderTemplate:")
            .AppendLine("      spec:")
            .Append(Container(launch, launch.Commands[0], gpusPerPod, "        "))
            .AppendLine("    workerTemplate:")
            .AppendLine("      spec:")
            .Append(Container(launch, WorkerCommand(launch), gpusPerPod, "        "));
        return text.ToString();
    }

    /// <summary>A worker pod runs its node's command, chosen by LWS_WORKER_INDEX.</summary>
    private static string WorkerCommand(EngineLaunch launch)
    {
        var cases = new StringBuilder("case \"$LWS_WORKER_INDEX\" in\n");
        for (int node = 1; node < launch.Commands.Count; node++)
        {
            cases.Append(Invariant($"  {node}) {launch.Commands[node].Replace(" \\\n  ", " ", StringComparison.Ordinal)} ;;\n"));
        }

        return cases.Append("esac").ToString();
    }

    private static string Container(EngineLaunch launch, string command, long gpus, string indent)
    {
        string script = command.Replace("NODE0_ADDR", "$(LWS_LEADER_ADDRESS)", StringComparison.Ordinal).Replace(" \\\n  ", " ", StringComparison.Ordinal);
        var text = new StringBuilder();
        text.AppendLine($"{indent}containers:")
            .AppendLine($"{indent}  - name: {launch.Engine}")
            .AppendLine($"{indent}    image: {Images[launch.Engine]}")
            .AppendLine($"{indent}    command: [\"bash\", \"-c\"]")
            .AppendLine($"{indent}    args:")
            .AppendLine($"{indent}      - |")
            .AppendLine(string.Join('\n', script.Split('\n').Select(line => $"{indent}        {line}")))
            .AppendLine($"{indent}    resources:")
            .AppendLine($"{indent}      limits:")
            .AppendLine(Invariant($"{indent}        nvidia.com/gpu: \"{gpus}\""));
        return text.ToString();
    }

    private static string Benchmark(EngineLaunch launch, Scenario scenario, EstimateResult best)
    {
        Workload w = scenario.Workload;
        int input = (int)Math.Round(w.InputTokens.Mean);
        int output = w.OutputTokens;
        int concurrency = best.Concurrency;
        int prompts = w.IsOpenLoop ? w.Requests ?? Math.Max(concurrency * 10, 1000) : Math.Max(concurrency * 5, 100);
        string command;
        var notes = new List<string>();
        if (w.IsOpenLoop && w.RequestRate is { } rate)
        {
            // The rate the plan was made for, with the arrivals and percentiles the simulation reports (issue 21).
            string r = Invariant($"{rate:0.####}");
            string goodput = Goodput(scenario.Requirements);
            command = launch.Engine switch
            {
                "vllm" => Invariant($"vllm bench serve --model {launch.Model} --dataset-name random --random-input-len {input} --random-output-len {output} --num-prompts {prompts} --request-rate {r} --burstiness {w.Burstiness:0.###} --seed {w.Seed} --percentile-metrics ttft,tpot,itl,e2el --metric-percentiles 50,90,99{goodput}"),
                "sglang" => Invariant($"python -m sglang.bench_serving --backend sglang --dataset-name random --random-input-len {input} --random-output-len {output} --random-range-ratio 1 --num-prompts {prompts} --request-rate {r} --seed {w.Seed}"),
                _ => Invariant($"genai-perf profile -m {launch.Model} --service-kind openai --endpoint-type chat --streaming --synthetic-input-tokens-mean {input} --output-tokens-mean {output} --request-rate {r} --random-seed {w.Seed} --url localhost:8000"),
            };
            if (w.Burstiness != 1 && launch.Engine != "vllm")
            {
                notes.Add(Invariant($"# This tool sends Poisson arrivals only; the plan was simulated with gamma arrivals of burstiness {w.Burstiness:0.###} (vllm bench serve --burstiness)."));
            }

            if (w.InputLengths is not null || w.OutputLengths is not null || w.Trace is not null)
            {
                notes.Add("# The plan's lengths are a distribution or a trace; the random dataset here sends their means.");
            }
        }
        else
        {
            command = launch.Engine switch
            {
                "vllm" => Invariant($"vllm bench serve --model {launch.Model} --dataset-name random --random-input-len {input} --random-output-len {output} --num-prompts {prompts} --max-concurrency {concurrency}"),
                "sglang" => Invariant($"python -m sglang.bench_serving --backend sglang --dataset-name random --random-input-len {input} --random-output-len {output} --random-range-ratio 1 --num-prompts {prompts} --max-concurrency {concurrency}"),
                _ => Invariant($"genai-perf profile -m {launch.Model} --service-kind openai --endpoint-type chat --streaming --synthetic-input-tokens-mean {input} --output-tokens-mean {output} --concurrency {concurrency} --url localhost:8000"),
            };
        }

        var text = new StringBuilder()
            .AppendLine("#!/usr/bin/env bash")
            .AppendLine(Invariant($"# The plan's workload against the {launch.Engine} deployment, from a client host (not a GPU node: the client's own cost is not the deployment's)."))
            .AppendLine(Invariant($"# Predicted for this workload: mean TTFT {best.MeanTtftMs:0} ms, TPOT {best.TpotMs:0.0} ms, {best.OutputTokensPerSPerGpu:0} output tokens/s per GPU ({best.OutputTokensPerSPerGpu * best.Parallel.Gpus:0} in all)."));
        if (best.Latency is { } l)
        {
            text.AppendLine(Invariant($"# Simulated: TTFT P50/P90/P99 {l.TtftMs.P50:0}/{l.TtftMs.P90:0}/{l.TtftMs.P99:0} ms, TPOT {l.TpotMs.P50:0.0}/{l.TpotMs.P90:0.0}/{l.TpotMs.P99:0.0} ms, ITL {l.ItlMs.P50:0.0}/{l.ItlMs.P90:0.0}/{l.ItlMs.P99:0.0} ms, {best.AchievedRequestsPerS:0.##} requests/s served."));
        }

        foreach (string note in notes)
        {
            text.AppendLine(note);
        }

        return text
            .AppendLine("# Feed the result file to 'paraplan calibrate' to fit the plan to your deployment.")
            .AppendLine("set -euo pipefail")
            .AppendLine(command)
            .ToString();
    }

    /// <summary>vLLM's <c>--goodput</c> from the requirements: the tightest bound on each of TTFT, TPOT and end-to-end latency.</summary>
    private static string Goodput(Requirements r)
    {
        var parts = new List<string>();
        foreach ((string key, double? bound) in new[] { ("ttft", r.TightestTtftMs), ("tpot", r.TightestTpotMs), ("e2el", r.TightestE2eMs) })
        {
            if (bound is { } b)
            {
                parts.Add(Invariant($"{key}:{b:0.###}"));
            }
        }

        return parts.Count == 0 ? string.Empty : " --goodput " + string.Join(' ', parts);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
