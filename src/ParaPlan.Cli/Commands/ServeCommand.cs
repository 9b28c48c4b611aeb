using System.CommandLine;
using System.Globalization;
using ParaPlan.Input;
using ParaPlan.Web;

namespace ParaPlan.Cli.Commands;

/// <summary><c>paraplan serve</c>: the web interface and its JSON API.</summary>
internal static class ServeCommand
{
    public static Command Create(CliOutput output)
    {
        var defaults = new WebOptions();
        Option<int> port = new("--port", "-p") { Description = "Port to listen on.", DefaultValueFactory = _ => defaults.Port };
        Option<string> host = new("--host")
        {
            Description = "Address to listen on: 127.0.0.1 (this machine only) by default; 0.0.0.0 for every interface.",
            DefaultValueFactory = _ => defaults.Host,
        };
        Option<double> timeLimit = new("--time-limit")
        {
            Description = "Seconds a request may compute before it is stopped and answered with an error (503).",
            DefaultValueFactory = _ => defaults.TimeLimit.TotalSeconds,
        };
        Option<int> concurrent = new("--max-concurrent")
        {
            Description = "Requests computing at once (one per core by default); up to --max-queued more wait their turn, beyond that 503.",
            DefaultValueFactory = _ => defaults.MaxConcurrent,
        };
        Option<int> queued = new("--max-queued") { Description = "Requests waiting for a turn, at most.", DefaultValueFactory = _ => defaults.MaxQueued };
        var command = new Command("serve", """
            The web interface: edit a scenario (a form and the YAML side by side, the examples one click away), run
            plan, estimate, audit and dag, and look at the Pareto front, memory per GPU, the step-time breakdown,
            latency percentiles, the GPU map and the DAG; download every view. The same JSON as the command line at
            POST /api/plan, /api/estimate, /api/audit, /api/dag, /api/bundle (the scenario as the body, YAML or
            JSON) and GET /api/models, /api/gpus, /api/examples. Request bodies are limited to 1 MiB (413), each
            request to --time-limit seconds (503); runs until interrupted (Ctrl+C).

            Examples:
              paraplan serve
              paraplan serve --port 8080 --time-limit 30
              curl -s --data-binary @examples/qwen3-235b-8xh100.yaml -H 'Content-Type: application/yaml' http://127.0.0.1:5080/api/plan
            """)
        {
            port,
            host,
            timeLimit,
            concurrent,
            queued,
        };
        command.SetAction(parse =>
        {
            int p = parse.GetValue(port);
            if (p is < 1 or > 65535)
            {
                throw new InputException("command line", "--port", string.Create(CultureInfo.InvariantCulture, $"must be a port from 1 to 65535; got {p}."));
            }

            double seconds = parse.GetValue(timeLimit);
            if (!(seconds >= 0.1 && seconds <= 3600))
            {
                throw new InputException("command line", "--time-limit", string.Create(CultureInfo.InvariantCulture, $"must be from 0.1 to 3600 seconds; got {seconds}."));
            }

            int running = parse.GetValue(concurrent);
            int waiting = parse.GetValue(queued);
            if (running is < 1 or > 1024 || waiting is < 0 or > 100_000)
            {
                throw new InputException("command line", running is < 1 or > 1024 ? "--max-concurrent" : "--max-queued", "must be from 1 to 1,024 requests computing and 0 to 100,000 waiting.");
            }

            var options = new WebOptions { Port = p, Host = parse.GetValue(host)!, TimeLimit = TimeSpan.FromSeconds(seconds), MaxConcurrent = running, MaxQueued = waiting };
            try
            {
                WebServer.Serve(options, addresses =>
                {
                    output.Output.WriteLine($"ParaPlan web interface on {string.Join(", ", addresses)} (Ctrl+C to stop)");
                    output.Output.Flush();
                });
            }
            catch (IOException ex)
            {
                throw new InputException("command line", "--port", $"cannot listen on {options.Host}:{p} ({ex.Message}).");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
