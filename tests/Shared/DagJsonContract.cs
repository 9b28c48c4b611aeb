using System.Text.Json;

namespace ParaPlan.Tests;

/// <summary>
/// The contract's DAG JSON properties, read from the document alone (independently of <c>DagChecks</c>): nodes in
/// topological order and hence acyclic; every GPU 0..N-1 in some compute node; every layer of the range with its
/// attention and FFN/expert compute; an edge's shape equal to its source's output shape; op words; every gate edge
/// ending at a node whose routing table names expert nodes.
/// </summary>
internal static class DagJsonContract
{
    private static readonly string[] OpWords = ["attention", "attn", "ffn", "expert", "moe", "router", "all_reduce", "reduce_scatter", "all_gather", "all_to_all", "send", "recv", "embedding", "lm_head", "norm", "qkv_projection", "output_projection"];

    public static List<string> Problems(JsonElement dag)
    {
        var problems = new List<string>();
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodes = dag.GetProperty("nodes").EnumerateArray().ToList();
        var computeGpus = new HashSet<int>();
        var attention = new HashSet<int>();
        var ffn = new HashSet<int>();
        foreach (JsonElement node in nodes)
        {
            string id = node.GetProperty("id").GetString()!;
            if (!position.TryAdd(id, position.Count))
            {
                problems.Add($"node {id} twice");
            }

            string op = node.GetProperty("op").GetString()!;
            if (!OpWords.Any(w => op.Contains(w, StringComparison.Ordinal)))
            {
                problems.Add($"node {id}: op '{op}' uses none of the contract's words");
            }

            if (node.GetProperty("kind").GetString() == "compute")
            {
                computeGpus.UnionWith(node.GetProperty("gpus").EnumerateArray().Select(g => g.GetInt32()));
                if (node.GetProperty("layer").ValueKind == JsonValueKind.Number)
                {
                    int layer = node.GetProperty("layer").GetInt32();
                    if (op.StartsWith("attention", StringComparison.Ordinal))
                    {
                        attention.Add(layer);
                    }
                    else if (op.StartsWith("ffn", StringComparison.Ordinal) || op.StartsWith("expert", StringComparison.Ordinal))
                    {
                        ffn.Add(layer);
                    }
                }
            }
        }

        foreach (JsonElement edge in dag.GetProperty("edges").EnumerateArray())
        {
            string from = edge.GetProperty("from").GetString()!, to = edge.GetProperty("to").GetString()!;
            if (!position.TryGetValue(from, out int f) || !position.TryGetValue(to, out int t))
            {
                problems.Add($"edge {from} -> {to} names a missing node");
                continue;
            }

            if (f >= t)
            {
                problems.Add($"edge {from} -> {to} goes backwards in the node list");
            }

            if (!edge.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).SequenceEqual(nodes[f].GetProperty("output_shape").EnumerateArray().Select(v => v.GetInt64())))
            {
                problems.Add($"edge {from} -> {to}: shape is not the source's output_shape");
            }

            if (edge.GetProperty("kind").GetString() == "gate")
            {
                if (!nodes[t].TryGetProperty("routing", out JsonElement routing) || routing.GetArrayLength() == 0)
                {
                    problems.Add($"gate edge {from} -> {to}: no routing table at {to}");
                }
                else if (routing.EnumerateArray().Any(r => !position.TryGetValue(r.GetProperty("node").GetString()!, out int e) || !nodes[e].GetProperty("op").GetString()!.StartsWith("expert", StringComparison.Ordinal)))
                {
                    problems.Add($"routing table of {to} names a node that is not an expert");
                }
            }
        }

        int gpus = dag.GetProperty("gpus").GetInt32();
        problems.AddRange(Enumerable.Range(0, gpus).Where(g => !computeGpus.Contains(g)).Take(5).Select(g => $"GPU {g} in no compute node"));
        for (int layer = dag.GetProperty("first_layer").GetInt32(); layer <= dag.GetProperty("last_layer").GetInt32(); layer++)
        {
            if (!attention.Contains(layer) || !ffn.Contains(layer))
            {
                problems.Add($"layer {layer} lacks attention or FFN/expert compute");
            }
        }

        return problems;
    }
}
