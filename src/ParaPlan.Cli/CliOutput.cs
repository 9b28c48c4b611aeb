using Spectre.Console;

namespace ParaPlan.Cli;

/// <summary>Where a command writes: standard output as plain text and as a Spectre console, and standard error.</summary>
internal sealed class CliOutput
{
    public CliOutput(TextWriter output, TextWriter error, bool interactive)
    {
        Output = output;
        Error = error;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive)
        {
            Console.Profile.Width = 140;
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Console { get; }

    /// <summary>
    /// Standard output as a stream of UTF-8 bytes, for documents written piece by piece instead of built as one string
    /// (the DAG's JSON, DOT and trace): the process's own standard output, buffered, when <see cref="Output"/> is the
    /// console's, else a stream into <see cref="Output"/>. Dispose it to flush.
    /// </summary>
    public Stream OpenOutputStream()
    {
        Output.Flush();
        return ReferenceEquals(Output, System.Console.Out)
            ? new BufferedStream(System.Console.OpenStandardOutput(), 1 << 16)
            : new TextWriterStream(Output);
    }
}
