using System.Diagnostics;
using System.Globalization;
using System.Text;
using ParaPlan.Input;

namespace ParaPlan.Dag;

/// <summary><c>paraplan dag --format svg</c>: the DOT rendered by Graphviz's <c>dot</c> (Debian package graphviz).</summary>
public static class DagSvg
{
    /// <summary>
    /// The most nodes sent to Graphviz: its layout grows faster than the graph (measured on 2 busy cores: 3.6 s for
    /// 2,980 nodes of repro d02, 41 s for 9,898), so a larger DAG is refused with the ways to make it smaller.
    /// </summary>
    public const int MaxNodes = 3_000;

    /// <summary>Writes the SVG of <paramref name="dag"/>; bad input when it is too large or Graphviz is missing or fails.</summary>
    /// <param name="output">Where the SVG goes.</param>
    /// <param name="dag">The DAG.</param>
    /// <param name="gpusPerNode">GPUs per node, to group GPUs into nodes.</param>
    /// <param name="path">The input it was drawn from, for messages.</param>
    /// <param name="field">What the messages name as the cause: the option that asked for SVG.</param>
    public static void Write(Stream output, DeploymentDag dag, int gpusPerNode, string path, string field = "--format svg")
    {
        if (dag.Nodes.Count > MaxNodes)
        {
            throw new InputException(path, field, string.Create(CultureInfo.InvariantCulture, $"the DAG has {dag.Nodes.Count:N0} nodes, more than Graphviz lays out in reasonable time ({MaxNodes:N0}); draw fewer layers (--layers A..B){(dag.Parallel.Tp > 1 && !dag.CollapsedTp ? ", one node per TP group (--collapse tp)" : string.Empty)}, or write --format dot and render it elsewhere."));
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo("dot", "-Tsvg")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardInputEncoding = new UTF8Encoding(false),
                UseShellExecute = false,
            }) ?? throw new InputException(path, field, "Graphviz 'dot' could not be started.");
            var svg = new MemoryStream();
            Task read = process.StandardOutput.BaseStream.CopyToAsync(svg);
            Task<string> errors = process.StandardError.ReadToEndAsync();
            try
            {
                DagDot.Write(process.StandardInput, dag, gpusPerNode);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Graphviz stopped reading; its exit code and message say why.
            }

            process.WaitForExit();
            read.Wait();
            if (process.ExitCode != 0)
            {
                string why = string.Join("; ", errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                throw new InputException(path, field, $"Graphviz 'dot' failed (exit {process.ExitCode}): {why}");
            }

            svg.Position = 0;
            svg.CopyTo(output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InputException(path, field, "Graphviz 'dot' is not installed (Debian: apt-get install graphviz); use --format dot and render it elsewhere.");
        }
    }
}
