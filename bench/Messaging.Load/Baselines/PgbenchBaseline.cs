using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Messaging.Load.Cli;
using Messaging.Load.Results;
using Messaging.Load.Scenarios;
using Messaging.Load.Transport;
using Npgsql;

namespace Messaging.Load.Baselines;

/// <summary>
/// The store's ceiling: runs <c>pgbench</c> with one of the scripts in bench/pgbench (the journal inserts of one send,
/// or a plain one-row insert) against the loopback PostgreSQL, and records its figures as a result.
/// </summary>
public static partial class PgbenchBaseline
{
    public static async Task<RunResult> RunAsync(Arguments arguments, TextWriter progress, CancellationToken cancellationToken)
    {
        var script = arguments.RequiredText("script");
        var database = arguments.RequiredText("database");
        var clients = arguments.Integer("clients", 16);
        var threads = Math.Min(arguments.Integer("threads", Environment.ProcessorCount), clients);
        var seconds = arguments.Integer("seconds", 20);
        var label = arguments.Text("label", "run");
        arguments.RejectUnread();
        Loopback.RequireDatabase(database);
        if (!File.Exists(script))
            throw new UsageException($"no pgbench script at {script}");

        var connection = new NpgsqlConnectionStringBuilder(database);
        var start = new ProcessStartInfo("pgbench")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGPASSWORD"] = connection.Password ?? "" },
        };
        foreach (var argument in new[]
                 {
                     "--no-vacuum", "--protocol=extended", $"--file={script}", $"--client={clients}", $"--jobs={threads}", $"--time={seconds}",
                     $"--host={connection.Host ?? "localhost"}", $"--port={connection.Port}", $"--username={connection.Username}", connection.Database ?? "postgres",
                 })
            start.ArgumentList.Add(argument);
        await progress.WriteLineAsync($"pgbench {string.Join(' ', start.ArgumentList)}");
        using var pgbench = Process.Start(start) ?? throw new InvalidOperationException("pgbench did not start");
        var output = pgbench.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = pgbench.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds + 60));
        try
        {
            await pgbench.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            pgbench.Kill(entireProcessTree: true);
            throw;
        }
        if (pgbench.ExitCode != 0)
            throw new InvalidOperationException($"pgbench failed ({pgbench.ExitCode}): {await errors}");

        var figures = Parse(await output, Path.GetFileNameWithoutExtension(script), clients, threads, seconds);
        var result = new RunResult("pgbench", "postgres", label, DateTimeOffset.UtcNow, ScenarioContext.Machine(), null, "", [], Pgbench: figures);
        return result with { Summary = SummaryLine.For(result) };
    }

    /// <summary>Reads pgbench's report: transactions processed and failed, average latency, tps.</summary>
    public static PgbenchFigures Parse(string report, string script, int clients, int threads, double seconds) => new(
        script, clients, threads, seconds,
        long.Parse(Find(ProcessedLine(), report), CultureInfo.InvariantCulture),
        FailedLine().Match(report) is { Success: true } failed ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
        Math.Round(double.Parse(Find(TpsLine(), report), CultureInfo.InvariantCulture), 1),
        double.Parse(Find(LatencyLine(), report), CultureInfo.InvariantCulture));

    private static string Find(Regex line, string report) => line.Match(report) is { Success: true } match
        ? match.Groups[1].Value
        : throw new InvalidDataException($"pgbench's report has no line matching {line}:\n{report}");

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex ProcessedLine();

    [GeneratedRegex(@"number of failed transactions: (\d+)")]
    private static partial Regex FailedLine();

    [GeneratedRegex(@"tps = ([\d.]+)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"latency average = ([\d.]+) ms")]
    private static partial Regex LatencyLine();
}
