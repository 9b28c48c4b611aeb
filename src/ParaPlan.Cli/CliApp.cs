using System.CommandLine;
using ParaPlan.Cli.Commands;
using ParaPlan.Input;

namespace ParaPlan.Cli;

/// <summary>
/// The <c>paraplan</c> command line: parses, calls the library, renders. Bad input ends with one line on standard
/// error naming the file, the field and the problem, and exit code 2; never a stack trace.
/// </summary>
public static class CliApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error, bool? interactive = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var cli = new CliOutput(output, error, interactive ?? (!Console.IsOutputRedirected && ReferenceEquals(output, Console.Out)));
        RootCommand root = BuildRoot(cli);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine(InputException.OneLine(ParseErrors.OneLine(parse)));
            return ExitCodes.BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (InputException ex)
        {
            error.WriteLine($"paraplan: error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error.WriteLine(InputException.OneLine($"paraplan: internal error ({ex.GetType().Name}): {ex.Message}. Please report it with the input that caused it."));
            if (Environment.GetEnvironmentVariable("PARAPLAN_TRACE") == "1")
            {
                error.WriteLine(ex.ToString());
            }

            return ExitCodes.InternalError;
        }
    }

    internal static RootCommand BuildRoot(CliOutput output)
    {
        var root = new RootCommand("""
            ParaPlan plans how to deploy a large language model (dense or Mixture-of-Experts) across GPUs for
            inference, and proves the plan fits: it reads the deployment conditions (a scenario file, built-in
            catalogs of models and GPUs, Hugging Face config.json files) and checks the parallel strategy
            (tp, sp, dp, pp, ep, replicas).

            Exit codes: 0 success; 1 valid input but the answer is "no"; 2 bad input.
            """)
        {
            CatalogCommands.Models(output),
            CatalogCommands.Gpus(output),
            ModelCommand.Create(output),
            CheckCommand.Create(output),
            EstimateCommand.Create(output),
            PlanCommand.Create(output),
            AuditCommand.Create(output),
            DagCommand.Create(output),
            ValidateCommand.Create(output),
            KernelsCommand.Create(output),
            CalibrateCommand.Create(output),
            ServeCommand.Create(output),
        };
        return root;
    }
}
