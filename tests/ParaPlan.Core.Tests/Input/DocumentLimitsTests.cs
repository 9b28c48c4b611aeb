using System.Text;
using ParaPlan.Input;

namespace ParaPlan.Tests.Input;

/// <summary>
/// The limits on one input file (docs/scenario-format.md, "Limits", "Files"): size, nesting, values, aliases,
/// documents. Each is enforced at the value the page states: the last value allowed reads, the next is refused.
/// </summary>
public class DocumentLimitsTests
{
    private static InputException Fails(string text, string extension)
    {
        string path = TestFiles.Write(text, extension);
        InputException error = Assert.Throws<InputException>(() => DocumentLoader.LoadFile(path));
        Assert.Equal(path, error.File);
        return error;
    }

    private static string NestedYaml(int depth) => "description: " + new string('[', depth - 1) + new string(']', depth - 1) + "\n";

    private static string NestedJson(int depth) => "{\"description\": " + new string('[', depth - 1) + new string(']', depth - 1) + "}";

    [Fact]
    public void The_limits_are_those_the_format_page_states()
    {
        Assert.Equal(16L * 1024 * 1024, InputLimits.MaxFileBytes);
        Assert.Equal(64, InputLimits.MaxDepth);
        Assert.Equal(1_000_000, InputLimits.MaxValues);
        Assert.Equal(8, InputLimits.MaxModelFileChain);
        string page = File.ReadAllText(TestFiles.InRepository("docs", "scenario-format.md"));
        Assert.Contains("| size of a scenario, config.json, model, catalog, profiles, kernel-measurement, validation or harness file | 16 MiB |", page, StringComparison.Ordinal);
        Assert.Contains("| size of a benchmark result file (`calibrate`) | 64 MiB |", page, StringComparison.Ordinal);
        Assert.Contains("| nesting of maps and lists (YAML), objects and arrays (JSON) | 64 levels |", page, StringComparison.Ordinal);
        Assert.Contains("| values in one file (maps, lists and scalars together) | 1,000,000 |", page, StringComparison.Ordinal);
        Assert.Contains("| files in a chain of model references (a `model:` naming a file whose own `model:` names another) | 8, the scenario included |", page, StringComparison.Ordinal);
        Assert.Equal(64L * 1024 * 1024, ParaPlan.Calibration.BenchmarkResultReader.MaxFileBytes);
    }

    [Fact]
    public void A_file_of_16_MiB_reads_and_one_byte_more_is_refused_before_reading()
    {
        // A YAML comment of exactly the limit, then one byte more.
        string path = TestFiles.Write(string.Empty, ".yaml");
        using (var stream = new FileStream(path, FileMode.Create))
        {
            byte[] line = Encoding.ASCII.GetBytes("a: 1\n#");
            stream.Write(line);
            stream.Write(Enumerable.Repeat((byte)'x', (int)(InputLimits.MaxFileBytes - line.Length)).ToArray());
        }

        Assert.Equal(InputLimits.MaxFileBytes, new FileInfo(path).Length);
        Assert.Equal("a", Assert.Single(((MapNode)DocumentLoader.LoadFile(path)).Entries).Key);

        File.AppendAllText(path, "x");
        InputException error = Assert.Throws<InputException>(() => DocumentLoader.LoadFile(path));
        Assert.Equal($"{path}: the file holds 16,777,217 bytes, more than the 16 MiB (16,777,216 bytes) ParaPlan reads; is it the file you meant?", error.Message);
    }

    [Fact]
    public void A_stream_without_a_size_is_read_only_up_to_the_limit()
    {
        // A pipe or a device has no size to check first: it is read until it passes the limit, and no further.
        var endless = new EndlessStream((byte)'a');
        InputException error = Assert.Throws<InputException>(() => DocumentLoader.ReadBounded(endless, "/dev/stdin", InputLimits.MaxFileBytes));
        Assert.Equal("/dev/stdin: the file holds more than the 16 MiB (16,777,216 bytes) ParaPlan reads; is it the file you meant?", error.Message);
        Assert.InRange(endless.BytesRead, InputLimits.MaxFileBytes, InputLimits.MaxFileBytes + (64 * 1024));

        var zeros = new EndlessStream(0);
        Assert.Equal("/dev/zero: the file is binary, not YAML or JSON text.", Assert.Throws<InputException>(() => DocumentLoader.ReadBounded(zeros, "/dev/zero", InputLimits.MaxFileBytes)).Message);
        Assert.Equal(64 * 1024, zeros.BytesRead);
    }

    [Fact]
    public void Binary_content_is_refused_at_its_first_chunk_but_UTF16_text_reads()
    {
        string binary = TestFiles.Write("a: 1\n\0\0\0", ".yaml");
        Assert.Equal($"{binary}: the file is binary, not YAML or JSON text.", Assert.Throws<InputException>(() => DocumentLoader.LoadFile(binary)).Message);

        string wide = Path.Combine(Path.GetTempPath(), "paraplan-tests", Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(wide, "model: qwen3-8b\n", Encoding.Unicode);
        Assert.Equal("qwen3-8b", ((ScalarNode)Assert.Single(((MapNode)DocumentLoader.LoadFile(wide)).Entries).Value).Text);
    }

    [Theory]
    [InlineData(".yaml")]
    [InlineData(".json")]
    public void Nesting_64_deep_reads_and_65_is_refused(string extension)
    {
        Func<int, string> nested = extension == ".yaml" ? NestedYaml : NestedJson;
        InputNode root = DocumentLoader.LoadFile(TestFiles.Write(nested(InputLimits.MaxDepth), extension));
        InputNode node = Assert.Single(((MapNode)root).Entries).Value;
        int depth = 1;
        while (node is ListNode { Items.Count: > 0 } list)
        {
            node = list.Items[0];
            depth++;
        }

        Assert.Equal(InputLimits.MaxDepth, depth + 1); // the root map is the first level
        string what = extension == ".yaml" ? "lists and maps" : "objects and arrays";
        InputException error = Fails(nested(InputLimits.MaxDepth + 1), extension);
        Assert.Equal("description", error.Field);
        Assert.Equal($"{what} are nested more than 64 deep, the most ParaPlan reads; is the file what you meant?", error.Problem);
    }

    [Fact]
    public void A_million_values_read_and_one_more_is_refused()
    {
        // The root object and its list are two values; the list holds the rest.
        static string Json(int values) => "{\"description\": [" + string.Join(',', Enumerable.Repeat("0", values - 2)) + "]}";
        InputNode root = DocumentLoader.LoadFile(TestFiles.Write(Json(InputLimits.MaxValues), ".json"));
        Assert.Equal(InputLimits.MaxValues - 2, ((ListNode)((MapNode)root).Entries[0].Value).Items.Count);

        InputException error = Fails(Json(InputLimits.MaxValues + 1), ".json");
        Assert.Equal("description", error.Field);
        Assert.Contains("the file holds more than 1,000,000 values", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_yaml_file_of_more_than_a_million_values_is_refused()
    {
        string yaml = "description: [" + string.Join(',', Enumerable.Repeat("0", InputLimits.MaxValues)) + "]\n";
        InputException error = Fails(yaml, ".yaml");
        Assert.Equal("description", error.Field);
        Assert.Contains("the file holds more than 1,000,000 values (maps, lists and scalars)", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: &x [1, 2]\nb: *x\n", "b", "*x", 2)]
    [InlineData("base: &b {tp: 8}\nparallel:\n  <<: *b\n", "parallel.<<", "*b", 3)]
    [InlineData("a: &x 1\nb: [1, *x]\n", "b[1]", "*x", 2)]
    [InlineData("a: &x k\nb: {*x : 1}\n", "b", "*x", 2)]
    public void Aliases_are_refused_where_they_stand(string yaml, string field, string alias, int line)
    {
        InputException error = Fails(yaml, ".yaml");
        Assert.Equal(field, error.Field);
        Assert.Equal(line, error.Line);
        Assert.Equal($"YAML aliases ({alias}) are not supported; write the value out in full.", error.Problem);
    }

    [Fact]
    public void An_anchor_alone_is_read_as_its_value()
    {
        var root = (MapNode)DocumentLoader.LoadFile(TestFiles.Write("a: &x [1, 2]\nb: 3\n", ".yaml"));
        Assert.Equal(2, ((ListNode)root.Entries[0].Value).Items.Count);
        Assert.Equal("3", ((ScalarNode)root.Entries[1].Value).Text);
    }

    [Fact]
    public void One_yaml_document_per_file()
    {
        InputException error = Fails("a: 1\n---\nb: 2\n", ".yaml");
        Assert.Equal(2, error.Line);
        Assert.Equal("the file holds more than one YAML document ('---' starts another); one is expected.", error.Problem);
        Assert.Equal("the file holds no YAML document (it is empty).", Fails("# only a comment\n", ".yaml").Problem);
    }

    [Fact]
    public void Event_reading_keeps_what_the_tree_reading_gave()
    {
        var root = (MapNode)DocumentLoader.LoadFile(TestFiles.Write("a: 'x'\nb:\nc: ~\nd: [1, {e: \"\"}]\n", ".yaml"));
        Assert.Equal(["a", "b", "c", "d"], root.Entries.Select(e => e.Key));
        Assert.Equal(new ScalarNode("a", 1, "x", true), root.Entries[0].Value);
        Assert.True(((ScalarNode)root.Entries[1].Value).IsNull);
        Assert.True(((ScalarNode)root.Entries[2].Value).IsNull);
        var list = (ListNode)root.Entries[3].Value;
        Assert.Equal("d[1].e", ((MapNode)list.Items[1]).Entries[0].Value.Path);
        Assert.Equal(new ScalarNode("d[1].e", 4, string.Empty, true), ((MapNode)list.Items[1]).Entries[0].Value);
        Assert.Equal("the key appears twice in the same map.", Fails("a: 1\na: 2\n", ".yaml").Problem);
        Assert.Equal("a map key must be a plain name.", Fails("? [1]\n: 2\n", ".yaml").Problem);
    }

    /// <summary>A stream with no size and no end, like a pipe or /dev/zero.</summary>
    private sealed class EndlessStream(byte fill) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, fill, offset, count);
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
