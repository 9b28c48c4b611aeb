using System.Text.Encodings.Web;
using System.Text.Json;

namespace ParaPlan.Dag;

/// <summary>
/// The contract's DAG JSON, written node by node to a stream (never built as one string): what the DAG is of, then
/// <c>gpus</c>, <c>nodes</c> (with <c>time_ms</c>, <c>detail</c> and, on the nodes a router's gate edge reaches,
/// <c>routing</c>) and <c>edges</c>. Indented, snake_case keys, like every other ParaPlan JSON document.
/// </summary>
public static class DagJson
{
    private const int FlushBytes = 1 << 16;

    private static readonly JsonEncodedText IdKey = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText KindKey = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText OpKey = JsonEncodedText.Encode("op");
    private static readonly JsonEncodedText LayerKey = JsonEncodedText.Encode("layer");
    private static readonly JsonEncodedText StageKey = JsonEncodedText.Encode("stage");
    private static readonly JsonEncodedText GpusKey = JsonEncodedText.Encode("gpus");
    private static readonly JsonEncodedText InputShapeKey = JsonEncodedText.Encode("input_shape");
    private static readonly JsonEncodedText OutputShapeKey = JsonEncodedText.Encode("output_shape");
    private static readonly JsonEncodedText TimeMsKey = JsonEncodedText.Encode("time_ms");
    private static readonly JsonEncodedText DetailKey = JsonEncodedText.Encode("detail");
    private static readonly JsonEncodedText RoutingKey = JsonEncodedText.Encode("routing");
    private static readonly JsonEncodedText NodeKey = JsonEncodedText.Encode("node");
    private static readonly JsonEncodedText FirstExpertKey = JsonEncodedText.Encode("first_expert");
    private static readonly JsonEncodedText LastExpertKey = JsonEncodedText.Encode("last_expert");
    private static readonly JsonEncodedText FromKey = JsonEncodedText.Encode("from");
    private static readonly JsonEncodedText ToKey = JsonEncodedText.Encode("to");
    private static readonly JsonEncodedText ShapeKey = JsonEncodedText.Encode("shape");

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="dag"/> to <paramref name="stream"/> as one JSON document followed by a newline.</summary>
    public static void Write(Stream stream, DeploymentDag dag)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(dag);
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            json.WriteStartObject();
            json.WriteString("model", dag.Model);
            json.WriteString("phase", dag.Phase);
            json.WriteStartObject("parallel");
            json.WriteNumber("tp", dag.Parallel.Tp);
            json.WriteNumber("sp", dag.Parallel.Sp);
            json.WriteNumber("dp", dag.Parallel.Dp);
            json.WriteNumber("pp", dag.Parallel.Pp);
            json.WriteNumber("ep", dag.Parallel.Ep);
            json.WriteNumber("replicas", dag.Parallel.Replicas);
            json.WriteNumber("gpus", dag.Parallel.Gpus);
            json.WriteEndObject();
            json.WriteNumber("first_layer", dag.FirstLayer);
            json.WriteNumber("last_layer", dag.LastLayer);
            json.WriteNumber("model_layers", dag.ModelLayers);
            json.WriteBoolean("collapsed_tp", dag.CollapsedTp);
            WriteFinite(json, JsonEncodedText.Encode("tokens_per_group"), dag.TokensPerGroup);
            json.WriteNumber("gpus", dag.Gpus);
            json.WriteStartArray("nodes");
            foreach (DagNode node in dag.Nodes)
            {
                WriteNode(json, node);
                FlushWhenFull(json);
            }

            json.WriteEndArray();
            json.WriteStartArray("edges");
            foreach (DagEdge edge in dag.Edges)
            {
                json.WriteStartObject();
                json.WriteString(FromKey, edge.From);
                json.WriteString(ToKey, edge.To);
                json.WriteString(KindKey, edge.Kind);
                WriteNumbers(json, ShapeKey, edge.Shape);
                json.WriteEndObject();
                FlushWhenFull(json);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        stream.Flush();
    }

    private static void WriteNode(Utf8JsonWriter json, DagNode node)
    {
        json.WriteStartObject();
        json.WriteString(IdKey, node.Id);
        json.WriteString(KindKey, node.Kind);
        json.WriteString(OpKey, node.Op);
        WriteNullable(json, LayerKey, node.Layer);
        WriteNullable(json, StageKey, node.Stage);
        WriteNumbers(json, GpusKey, node.Gpus);
        WriteNumbers(json, InputShapeKey, node.InputShape);
        WriteNumbers(json, OutputShapeKey, node.OutputShape);
        WriteFinite(json, TimeMsKey, node.TimeMs);
        json.WriteString(DetailKey, node.Detail);
        if (node.Routing is { } routing)
        {
            json.WriteStartArray(RoutingKey);
            foreach (DagRoute route in routing)
            {
                json.WriteStartObject();
                json.WriteString(NodeKey, route.Node);
                WriteNumbers(json, GpusKey, route.Gpus);
                json.WriteNumber(FirstExpertKey, route.FirstExpert);
                json.WriteNumber(LastExpertKey, route.LastExpert);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    /// <summary>A number, or null when it is not finite (JSON has no NaN or infinity).</summary>
    private static void WriteFinite(Utf8JsonWriter json, JsonEncodedText name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, JsonEncodedText name, int? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNumbers(Utf8JsonWriter json, JsonEncodedText name, IReadOnlyList<int> values)
    {
        json.WriteStartArray(name);
        foreach (int v in values)
        {
            json.WriteNumberValue(v);
        }

        json.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter json, JsonEncodedText name, IReadOnlyList<long> values)
    {
        json.WriteStartArray(name);
        foreach (long v in values)
        {
            json.WriteNumberValue(v);
        }

        json.WriteEndArray();
    }

    private static void FlushWhenFull(Utf8JsonWriter json)
    {
        if (json.BytesPending > FlushBytes)
        {
            json.Flush();
        }
    }
}
