using Messaging.Load.Baselines;
using Messaging.Load.Results;
using Messaging.Load.Scenarios;

namespace Messaging.Load.Cli;

/// <summary>The commands of the load generator. Each scenario prints one summary line and writes one JSON result file.</summary>
public static class Verbs
{
    public const string Usage = """
        usage: Messaging.Load <verb> [--option value ...]

        scenarios (against --url, the server by default, or --target relay):
          throughput  steps the rate up (--steps 250,500,...), --seconds each; reports the highest rate whose
                      delivery p99 stays under --p99-limit-ms (100) with everything delivered
          latency     open loop at --load (0.5) x --rate for --seconds; or --flat-out N sends all due at once
          overload    open loop at --load (2) x --rate: accepted vs refused, p99 of accepted, disconnects, RSS growth
          idle        --users idle, subscribed connections with --heart-beat (10 s) for --seconds: RSS per connection
          inbox       one user with --conversations (500), then its GET /api/conversations under --rate (200) msg/s
        common: --url http://127.0.0.1:5000  --target server|relay  --server-pid PID  --database NPGSQL
                --signing-key KEY  --users N  --seconds S  --warmup S  --drain S  --http-rate R
                --label NAME  --results bench/results  --server-messages-per-minute N (recorded in the result)

        baselines:
          relay       the bare WebSocket relay: --port 5056 --lifetime 3600
          pgbench     --script bench/pgbench/X.sql --database NPGSQL --clients 16 --threads 2 --seconds 20 --label NAME
        report:
          plot        --results bench/results --labels before[,after] --out FILE.png
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            await output.WriteLineAsync(Usage);
            return args.Count == 0 ? 2 : 0;
        }
        try
        {
            var arguments = Arguments.Parse(args);
            return arguments.Verb switch
            {
                "throughput" => await RunScenario(arguments, ThroughputScenario.Defaults, context => ThroughputScenario.From(context, arguments).RunAsync, output, cancellationToken),
                "latency" => await RunScenario(arguments, SteadyScenario.Defaults, context => SteadyScenario.From(context, arguments, "latency", 0.5).RunAsync, output, cancellationToken),
                "overload" => await RunScenario(arguments, SteadyScenario.Defaults, context => SteadyScenario.From(context, arguments, "overload", 2).RunAsync, output, cancellationToken),
                "idle" => await RunScenario(arguments, IdleScenario.Defaults, context => IdleScenario.From(context, arguments).RunAsync, output, cancellationToken),
                "inbox" => await RunScenario(arguments, InboxScenario.Defaults, context => InboxScenario.From(context, arguments).RunAsync, output, cancellationToken),
                "pgbench" => await RunPgbench(arguments, output, cancellationToken),
                "relay" => await RelayServer.RunAsync(arguments, output, cancellationToken),
                "plot" => await LatencyPlot.RunAsync(arguments, output, cancellationToken),
                _ => throw new UsageException($"unknown verb '{arguments.Verb}'"),
            };
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}\n\n{Usage}");
            return 2;
        }
    }

    private static async Task<int> RunScenario(
        Arguments arguments, LoadSettings.Defaults defaults, Func<ScenarioContext, Func<CancellationToken, Task<RunResult>>> scenario,
        TextWriter output, CancellationToken cancellationToken)
    {
        var settings = LoadSettings.From(arguments, defaults);
        using var context = new ScenarioContext(settings, Console.Error);
        var run = scenario(context);
        arguments.RejectUnread();
        return await Report(await run(cancellationToken), settings.ResultsFolder, output, cancellationToken);
    }

    private static async Task<int> RunPgbench(Arguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var folder = arguments.Text("results", ResultFile.DefaultFolder);
        return await Report(await PgbenchBaseline.RunAsync(arguments, Console.Error, cancellationToken), folder, output, cancellationToken);
    }

    private static async Task<int> Report(RunResult result, string folder, TextWriter output, CancellationToken cancellationToken)
    {
        var path = await ResultFile.WriteAsync(result, folder, cancellationToken);
        await output.WriteLineAsync(result.Summary);
        await Console.Error.WriteLineAsync($"result: {path}");
        return 0;
    }
}
