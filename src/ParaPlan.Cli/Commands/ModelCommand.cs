using System.CommandLine;
using ParaPlan.Catalog;
using ParaPlan.Cli.Rendering;
using ParaPlan.Reports;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan model ID-OR-FILE</c>: one architecture and its derived figures.</summary>
internal static class ModelCommand
{
    public static Command Create(CliOutput output)
    {
        Argument<string> reference = new("id-or-file")
        {
            Description = "A catalog id (see 'paraplan models'), or the path of a Hugging Face config.json, or a scenario whose model is inline.",
        };
        Option<string> format = CommandOptions.Format();
        Option<int> context = new("--context")
        {
            Description = "Context length (tokens) at which to give the attention FLOPs per token.",
            DefaultValueFactory = _ => ModelSummary.DefaultFlopsContext,
        };
        var command = new Command("model", """
            Show a model's architecture and the figures derived from it: total and active parameters (counted from
            the architecture, embeddings and LM head included, multi-token-prediction layers excluded), KV-cache
            elements per token, FLOPs per token, and parameters by component. A declared parameter count that
            the architecture does not produce is reported as a warning.

            Examples:
              paraplan model qwen3-235b-a22b
              paraplan model path/to/config.json --format json
              paraplan model deepseek-v3 --context 32768
            """)
        {
            reference,
            format,
            context,
        };
        command.SetAction(parse =>
        {
            int contextTokens = parse.GetValue(context);
            if (contextTokens < 0 || contextTokens > ParaPlan.Domain.FieldLimits.MaxTokens)
            {
                throw new ParaPlan.Input.InputException(string.Empty, "--context", $"must be from 0 to {ParaPlan.Domain.FieldLimits.Tokens.MaximumText} tokens; got {contextTokens}.");
            }

            var assumptions = new List<string>();
            ResolvedModel resolved = ModelResolver.Resolve(parse.GetValue(reference)!, null, string.Empty, "model", 0, assumptions, []);
            ModelSummary summary = ModelSummary.From(resolved with { Notes = [.. resolved.Notes, .. assumptions] }, contextTokens);
            FigureGuard.Ensure(summary, resolved.Source);
            OutputFormat chosen = CommandOptions.ParseFormat(parse.GetValue(format)!);
            if (chosen == OutputFormat.Json)
            {
                Json.Write(output.Output, summary);
            }
            else
            {
                DocumentWriter.Write(ModelReportBuilder.Build(summary), chosen, output);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
