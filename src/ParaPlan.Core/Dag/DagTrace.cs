using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ParaPlan.Dag;

/// <summary>
/// A Chrome trace (open in Perfetto or chrome://tracing), written event by event to a stream: one process per GPU
/// with a compute and a communication track; each DAG's nodes are laid out in dependency order
/// (<see cref="DagFormats.StartTimes"/>), one event per node and GPU; the DAGs follow one another (a prefill chunk, then
/// a decode step). An event's <c>args.gpus</c> names the node's GPUs compactly ("0-255"), so a collective over n
/// GPUs costs n events of constant size.
/// </summary>
public static class DagTrace
{
    private const int FlushBytes = 1 << 16;

    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText Cat = JsonEncodedText.Encode("cat");
    private static readonly JsonEncodedText Ph = JsonEncodedText.Encode("ph");
    private static readonly JsonEncodedText Complete = JsonEncodedText.Encode("X");
    private static readonly JsonEncodedText Ts = JsonEncodedText.Encode("ts");
    private static readonly JsonEncodedText Dur = JsonEncodedText.Encode("dur");
    private static readonly JsonEncodedText Pid = JsonEncodedText.Encode("pid");
    private static readonly JsonEncodedText Tid = JsonEncodedText.Encode("tid");
    private static readonly JsonEncodedText Args = JsonEncodedText.Encode("args");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Detail = JsonEncodedText.Encode("detail");
    private static readonly JsonEncodedText Gpus = JsonEncodedText.Encode("gpus");

    /// <summary>
    /// Writes the trace of <paramref name="dags"/> (on <paramref name="gpus"/> GPUs) to <paramref name="stream"/>.
    /// The DAGs are enumerated once, one at a time, so a lazily built sequence holds one DAG in memory.
    /// </summary>
    public static void Write(Stream stream, int gpus, int gpusPerNode, IEnumerable<DeploymentDag> dags)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dags);
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = Encoder }))
        {
            json.WriteStartObject();
            json.WriteStartArray("traceEvents");
            for (int g = 0; g < gpus; g++)
            {
                Meta(json, "process_name", g, 0, Invariant($"GPU {g} (node {g / Math.Max(1, gpusPerNode)})"));
                Meta(json, "thread_name", g, 0, "compute");
                Meta(json, "thread_name", g, 1, "communication");
                FlushWhenFull(json);
            }

            double offset = 0;
            foreach (DeploymentDag dag in dags)
            {
                (double[] start, double end) = DagFormats.StartTimes(dag, offset);
                string category = dag.Phase + ",";
                for (int i = 0; i < dag.Nodes.Count; i++)
                {
                    DagNode node = dag.Nodes[i];
                    string name = node.Layer is { } l ? Invariant($"{node.Op} L{l}") : node.Op;
                    string cat = category + node.Kind;
                    string gpuText = DagFormats.Gpus(node.Gpus);
                    double ts = Math.Round(start[i] * 1000, 3);
                    double dur = Math.Round(Math.Max(node.TimeMs, 0.0005) * 1000, 3);
                    int tid = node.Kind == "communication" ? 1 : 0;
                    foreach (int g in node.Gpus)
                    {
                        json.WriteStartObject();
                        json.WriteString(Name, name);
                        json.WriteString(Cat, cat);
                        json.WriteString(Ph, Complete);
                        json.WriteNumber(Ts, ts);
                        json.WriteNumber(Dur, dur);
                        json.WriteNumber(Pid, g);
                        json.WriteNumber(Tid, tid);
                        json.WriteStartObject(Args);
                        json.WriteString(Id, node.Id);
                        json.WriteString(Detail, node.Detail);
                        json.WriteString(Gpus, gpuText);
                        json.WriteEndObject();
                        json.WriteEndObject();
                        FlushWhenFull(json);
                    }
                }

                offset = end;
            }

            json.WriteEndArray();
            json.WriteString("displayTimeUnit", "ms");
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        stream.Flush();
    }

    private static void Meta(Utf8JsonWriter json, string name, int pid, int tid, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("ph", "M");
        json.WriteNumber("pid", pid);
        json.WriteNumber("tid", tid);
        json.WriteStartObject("args");
        json.WriteString("name", value);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void FlushWhenFull(Utf8JsonWriter json)
    {
        if (json.BytesPending > FlushBytes)
        {
            json.Flush();
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
