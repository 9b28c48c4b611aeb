using System.Globalization;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Catalog;

/// <summary>
/// Reads a GPU from a catalog file or an inline scenario map (one adapter for both). Links may be written as
/// maps (<c>intra_node: {bandwidth_gbps, latency_us, technology}</c>) or as the contract's flat
/// <c>intra_node_gbps</c> / <c>inter_node_gbps</c>; bandwidths are GB/s per GPU per direction.
/// </summary>
public static class GpuReader
{
    public static IReadOnlyList<string> Keys { get; } =
    [
        "id", "name", "vendor", "architecture", "memory_gb", "memory_bandwidth_tbps", "tflops", "gpus_per_node",
        "intra_node", "inter_node", "intra_node_gbps", "inter_node_gbps", "intra_node_latency_us",
        "inter_node_latency_us", "mfu", "bandwidth_utilization", "sources", "notes",
    ];

    private static readonly string[] LinkKeys = ["bandwidth_gbps", "latency_us", "technology"];

    /// <param name="map">The GPU's map.</param>
    /// <param name="defaultId">Id to use when the map has none (inline GPUs).</param>
    /// <param name="singleTflopsFormat">The format a single <c>tflops</c> number stands for (the model's precision).</param>
    /// <param name="assumptions">Receives each default applied (inline GPUs); null for catalog files, which must be complete.</param>
    public static GpuSpec Read(MapReader map, string defaultId, NumericFormat singleTflopsFormat, ICollection<string>? assumptions)
    {
        ArgumentNullException.ThrowIfNull(map);
        map.RejectUnknownKeys(Keys, "a GPU");
        bool catalog = assumptions is null;
        string id = map.String("id") ?? (assumptions is null ? defaultId : map.String("name") ?? defaultId);
        string name = map.String("name") ?? id;
        double memory = map.RequiredNumber("memory_gb", FieldLimits.MemoryGb);
        double bandwidth = map.RequiredNumber("memory_bandwidth_tbps", FieldLimits.MemoryBandwidthTbps);
        IReadOnlyDictionary<NumericFormat, double> tflops = ReadTflops(map, singleTflopsFormat);
        int gpusPerNode = map.Integer("gpus_per_node", FieldLimits.GpusPerNode) ?? Default(assumptions, map, "gpus_per_node", Defaults.GpusPerNode, "GPUs per node");
        LinkSpec intra = ReadLink(map, "intra_node", Defaults.IntraNodeGbps, Defaults.IntraNodeLatencyUs, "NVLink-class (H100: 900 GB/s bidirectional)", assumptions, catalog);
        LinkSpec inter = ReadLink(map, "inter_node", Defaults.InterNodeGbps, Defaults.InterNodeLatencyUs, "one 400 Gb/s NIC per GPU", assumptions, catalog);
        GpuEfficiency efficiency = new(ReadFraction(map, "mfu"), ReadFraction(map, "bandwidth_utilization"));
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        if (map.Map("sources") is { } sourceMap)
        {
            foreach (string key in sourceMap.Keys)
            {
                sources[key] = sourceMap.String(key) ?? string.Empty;
            }
        }

        return new GpuSpec(id, name, memory, bandwidth, tflops, gpusPerNode, intra, inter, efficiency, sources,
            map.String("vendor") ?? string.Empty, map.String("architecture") ?? string.Empty);
    }

    private static Dictionary<NumericFormat, double> ReadTflops(MapReader map, NumericFormat singleFormat)
    {
        InputNode node = map.Get("tflops") ?? throw map.Missing("tflops", "peak dense TFLOPS, a number or a map such as {bf16: 989, fp8: 1979}");
        var result = new Dictionary<NumericFormat, double>();
        if (node is ScalarNode)
        {
            result[singleFormat] = map.RequiredNumber("tflops", FieldLimits.Tflops);
            return result;
        }

        MapReader formats = map.Map("tflops")!;
        foreach (string key in formats.Keys)
        {
            if (!NumericFormats.TryParse(key, out NumericFormat format))
            {
                throw formats.Fail(key, $"unknown precision '{key}'; use one of {string.Join(", ", NumericFormats.Names)}.");
            }

            if (formats.Number(key, FieldLimits.Tflops) is { } value)
            {
                result[format] = value;
            }
        }

        if (result.Count == 0)
        {
            throw map.Fail("tflops", "names no precision with a figure.");
        }

        return result;
    }

    private static LinkSpec ReadLink(MapReader map, string name, double defaultGbps, double defaultLatency, string defaultWhat, ICollection<string>? assumptions, bool catalog)
    {
        double? gbps;
        double? latency;
        string technology = string.Empty;
        if (map.Map(name) is { } link)
        {
            link.RejectUnknownKeys(LinkKeys, $"the {name} link");
            gbps = link.RequiredNumber("bandwidth_gbps", FieldLimits.LinkGbps);
            latency = link.Number("latency_us", FieldLimits.LatencyUs);

            technology = link.String("technology") ?? string.Empty;
        }
        else
        {
            gbps = map.Number($"{name}_gbps", FieldLimits.LinkGbps);
            latency = map.Number($"{name}_latency_us", FieldLimits.LatencyUs);
        }

        if (catalog && gbps is null)
        {
            throw map.Missing(name, "a catalog GPU states its links");
        }

        if (gbps is null)
        {
            gbps = defaultGbps;
            technology = $"assumed: {defaultWhat}";
            assumptions?.Add(string.Create(CultureInfo.InvariantCulture, $"{map.PathOf($"{name}_gbps")} not given: {defaultGbps} GB/s per GPU per direction assumed ({defaultWhat})"));
        }

        if (latency is null)
        {
            latency = defaultLatency;
            assumptions?.Add(string.Create(CultureInfo.InvariantCulture, $"{map.PathOf($"{name}_latency_us")} not given: {defaultLatency} us per message assumed"));
        }

        return new LinkSpec(gbps.Value, latency.Value, technology);
    }

    private static double? ReadFraction(MapReader map, string key)
    {
        double? value = map.Number(key);
        FieldLimit limit = FieldLimits.Efficiency;
        if (value is { } v && !limit.Allows(v))
        {
            string hint = v > 1 && v <= 100 ? string.Create(CultureInfo.InvariantCulture, $" (write {v / 100:0.##} for {v}%)") : string.Empty;
            throw map.Fail(key, string.Create(CultureInfo.InvariantCulture, $"must be a fraction from {limit.Minimum} to {limit.Maximum}; got {v}{hint}."));
        }

        return value;
    }

    private static int Default(ICollection<string>? assumptions, MapReader map, string key, int value, string what)
    {
        if (assumptions is null)
        {
            throw map.Missing(key, what);
        }

        assumptions.Add(string.Create(CultureInfo.InvariantCulture, $"{map.PathOf(key)} not given: {value} {what} assumed"));
        return value;
    }
}
