using System.CommandLine;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan models</c> and <c>paraplan gpus</c>: the built-in catalogs.</summary>
internal static class CatalogCommands
{
    public static Command Models(CliOutput output)
    {
        Option<string> format = CommandOptions.Format();
        var command = new Command("models", """
            List the built-in models: id, Hugging Face repository, layers, attention, experts, total and active
            parameters and KV-cache elements per token, all counted from each model's config.json.

            Example:
              paraplan models
              paraplan models --format json
            """)
        {
            format,
        };
        command.SetAction(parse =>
        {
            IEnumerable<CatalogModel> models = ModelCatalog.BuiltIn.All;
            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, CatalogListing.Models());
            }
            else
            {
                DocumentWriter.Write(CatalogReportBuilder.Models(models), chosen, output);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Gpus(CliOutput output)
    {
        Option<string> format = CommandOptions.Format();
        var command = new Command("gpus", """
            List the built-in GPUs with their datasheet figures: memory, HBM bandwidth, dense peak TFLOPS per
            precision, GPUs per node and link bandwidths. The JSON output carries the source of every figure.

            Example:
              paraplan gpus
              paraplan gpus --format json
            """)
        {
            format,
        };
        command.SetAction(parse =>
        {
            IReadOnlyList<GpuSummary> gpus = CatalogListing.Gpus();
            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, gpus);
            }
            else
            {
                DocumentWriter.Write(CatalogReportBuilder.Gpus(gpus), chosen, output);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
