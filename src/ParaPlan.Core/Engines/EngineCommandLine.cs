namespace ParaPlan.Engines;

/// <summary>One flag of a command line and the value after it (null when none).</summary>
public sealed record CommandFlag(string Flag, string? Value);

/// <summary>A printed launch or benchmark command split into its engine (or benchmark tool), flags and values.</summary>
public sealed record EngineCommandLine(string Engine, IReadOnlyList<string> Positional, IReadOnlyList<CommandFlag> Flags)
{
    /// <summary>
    /// Splits "vllm serve M --tp 8 ...", "python -m sglang.launch_server ..." or "trtllm-serve M ..." (backslash-newline
    /// continuations allowed), and the benchmark commands "vllm bench serve ..." (vllm-bench),
    /// "python -m sglang.bench_serving ..." (sglang-bench) and "genai-perf profile ..." (genai-perf).
    /// </summary>
    public static EngineCommandLine Parse(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        string[] tokens = command.Replace("\\\r\n", " ", StringComparison.Ordinal).Replace("\\\n", " ", StringComparison.Ordinal)
            .Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        // A launcher in front (mpirun ... trtllm-llmapi-launch, srun ...) is not the engine's: parse from the entry point.
        int entry = Array.FindIndex(tokens, t => t is "vllm" or "python" or "python3" or "trtllm-serve" or "genai-perf");
        if (entry > 0)
        {
            tokens = tokens[entry..];
        }

        (string engine, int start) = tokens switch
        {
            ["vllm", "serve", ..] => ("vllm", 2),
            ["python" or "python3", "-m", "sglang.launch_server", ..] => ("sglang", 3),
            ["trtllm-serve", ..] => ("trtllm", 1),
            ["vllm", "bench", "serve", ..] => ("vllm-bench", 3),
            ["python" or "python3", "-m", "sglang.bench_serving", ..] => ("sglang-bench", 3),
            ["genai-perf", "profile", ..] => ("genai-perf", 2),
            _ => throw new FormatException(
                "not a vllm serve, sglang.launch_server, trtllm-serve, vllm bench serve, sglang.bench_serving or genai-perf profile command: " + string.Join(' ', tokens.Take(3))),
        };
        var positional = new List<string>();
        var flags = new List<CommandFlag>();
        for (int i = start; i < tokens.Length; i++)
        {
            string token = tokens[i];
            if (!token.StartsWith('-'))
            {
                positional.Add(token);
                continue;
            }

            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                flags.Add(new CommandFlag(token[..eq], token[(eq + 1)..]));
                continue;
            }

            EngineFlag? known = EngineArguments.Find(engine, token);
            bool takesValue = known?.TakesValue ?? (i + 1 < tokens.Length && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal));
            string? value = takesValue && i + 1 < tokens.Length ? tokens[++i] : null;
            if (known?.SeveralValues == true)
            {
                // nargs="+": every following token up to the next flag is a value of this one, each checked.
                while (i + 1 < tokens.Length && !tokens[i + 1].StartsWith('-'))
                {
                    flags.Add(new CommandFlag(token, value));
                    value = tokens[++i];
                }
            }

            flags.Add(new CommandFlag(token, value));
        }

        return new EngineCommandLine(engine, positional, flags);
    }

    /// <summary>Problems with every flag of the command against the engine's captured argument list; empty when all exist and parse.</summary>
    public IReadOnlyList<string> Problems() =>
        [.. Flags.Select(f => EngineArguments.CheckValue(Engine, f.Flag, f.Value)).OfType<string>()];
}
