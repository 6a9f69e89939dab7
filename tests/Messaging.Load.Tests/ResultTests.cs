using Messaging.Load.Baselines;
using Messaging.Load.Measuring;
using Messaging.Load.Results;

namespace Messaging.Load.Tests;

/// <summary>The summary line, the JSON result file, and the readers of /proc and of pgbench's report.</summary>
public sealed class ResultTests
{
    private static readonly LoadStep Step = new(
        OfferedRate: 500, Seconds: 10, Users: 200, Conversations: 100,
        Sent: 5000, Acknowledged: 4990, Delivered: 4980, Refused: 10, Duplicates: 0,
        Refusals: new Dictionary<string, long> { ["429 rate limit exceeded"] = 10 },
        ErrorFrames: new Dictionary<string, long>(),
        Disconnects: 0,
        Delivery: new LatencySummary(4980, 14.2, 30, 46.1, 80, 120.5, 16),
        Receipt: new LatencySummary(4990, 12, 25, 40.25, 70, 100, 13),
        ScheduleLag: new LatencySummary(5000, 0.1, 0.2, 0.5, 1, 2, 0.12),
        AcknowledgedPerSecond: 499, DeliveredPerSecond: 498,
        Server: new ServerFigures(200, 210, 215.5, 8, 1606.4),
        Http: new HttpFigures(
            new Dictionary<string, LatencySummary> { ["GET /api/conversations"] = new(100, 3, 5, 9, 9, 9, 3.5) },
            new Dictionary<string, long>()));

    [Fact]
    public void The_summary_line_of_a_steady_run_gives_rate_counts_percentiles_and_server_cost()
    {
        var result = Result("latency", [Step]);

        Assert.Equal(
            "latency server before (server rate limit raised to 1000000/min per user): 500 msg/s offered over 200 users in 100 conversations for 10 s: " +
            "sent 5000, acknowledged 4990, delivered 4980, refused 10 (10 x 429 rate limit exceeded), undelivered 10; " +
            "delivery p50 14.2 p99 46.1 max 120.5 ms, receipt p99 40.25 ms; 498 delivered/s; " +
            "server CPU 8.00 s (1606 µs/msg), RSS 200 -> 210 MiB (peak 216); 0 disconnects",
            SummaryLine.For(result));
    }

    [Fact]
    public void The_summary_line_of_a_throughput_run_gives_the_sustained_rate_and_each_step()
    {
        var failed = Step with { OfferedRate = 1000, Delivery = Step.Delivery with { P50Ms = 1700, P99Ms = 4400 } };
        var result = Result("throughput", [Step, failed]) with { SustainedRate = 500, P99LimitMs = 100 };

        Assert.Equal(
            "throughput server before (server rate limit raised to 1000000/min per user): sustained 500 msg/s (delivery p99 under 100 ms, everything delivered)" +
            " | 500: p50 14.2 p99 46.1 ms, 10 undelivered, 10 refused | 1000: p50 1700 p99 4400 ms, 10 undelivered, 10 refused",
            SummaryLine.For(result));
    }

    [Fact]
    public void The_summary_line_of_an_idle_run_gives_memory_per_connection()
    {
        var result = Result("idle", []) with { Idle = new IdleFigures(2000, 2000, 10, 15, 180, 242.5, 31.7, 0) };

        Assert.Equal(
            "idle server before (server rate limit raised to 1000000/min per user): 2000 idle connections (2000 still open, 0 dropped, heart-beat 10 s): " +
            "server RSS 180 -> 242.5 MiB, 31.7 KiB per connection",
            SummaryLine.For(result));
    }

    [Fact]
    public void A_step_sustains_its_rate_when_everything_is_delivered_within_the_p99_limit()
    {
        var clean = Step with { Acknowledged = 5000, Delivered = 5000, Refused = 0, Refusals = new Dictionary<string, long>() };

        Assert.True(clean.Sustains(p99LimitMs: 100));
        Assert.False(clean.Sustains(p99LimitMs: 46.1));
        Assert.False((clean with { Delivered = 4999 }).Sustains(p99LimitMs: 100));
        Assert.False((clean with { Refused = 1 }).Sustains(p99LimitMs: 100));
    }

    [Fact]
    public async Task A_result_survives_a_round_trip_through_its_json_file()
    {
        var folder = Directory.CreateTempSubdirectory("load-results-").FullName;
        try
        {
            var written = Result("throughput", [Step]) with { SustainedRate = 500, P99LimitMs = 100 };

            var path = await ResultFile.WriteAsync(written, folder, CancellationToken.None);
            var read = await ResultFile.ReadAsync(path, CancellationToken.None);

            Assert.Equal(Path.Combine(folder, "throughput-before.json"), path);
            Assert.Equal(written with { Steps = [] }, read with { Steps = [] });
            var step = Assert.Single(read.Steps);
            Assert.Equal(Step with { Refusals = step.Refusals, ErrorFrames = step.ErrorFrames, Http = step.Http }, step);
            Assert.Equal(Step.Refusals, step.Refusals);
            Assert.Equal(Step.Http!.Latency, step.Http!.Latency);
            Assert.Equal(10, step.Undelivered);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Result_files_are_named_by_scenario_target_and_label()
    {
        Assert.Equal("overload-before.json", ResultFile.NameOf(Result("overload", [])));
        Assert.Equal("throughput-relay-before.json", ResultFile.NameOf(Result("throughput", []) with { Target = "relay" }));
        Assert.Equal("pgbench-send-3-rows-before.json", ResultFile.NameOf(Result("pgbench", []) with
        {
            Target = "postgres",
            Pgbench = new PgbenchFigures("send-3-rows", 90, 2, 20, 100_000, 0, 5000, 18),
        }));
    }

    [Fact]
    public void Cpu_time_is_read_from_proc_stat_counting_fields_after_the_command_name()
    {
        const string stat = "4242 (dotnet (x) y) S 1 4242 4242 0 -1 4194560 86017 0 14 0 1234 567 0 0 20 0 27 0 9049 2917285888 31562 18446744073709551615";

        Assert.Equal(18.01, ProcessMeter.ParseCpuSeconds(stat, ticksPerSecond: 100), precision: 6);
    }

    [Fact]
    public void Resident_memory_is_read_from_proc_status_in_bytes()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t 3000000 kB\nVmRSS:\t  204800 kB\nRssAnon:\t  150000 kB\n";

        Assert.Equal(200L * 1024 * 1024, ProcessMeter.ParseRssBytes(status));
    }

    [Fact]
    public void The_pgbench_report_gives_transactions_failures_tps_and_latency()
    {
        const string report = """
            pgbench (15.14 (Debian 15.14-0+deb12u1))
            transaction type: bench/pgbench/send-3-rows.sql
            scaling factor: 1
            query mode: extended
            number of clients: 16
            number of threads: 2
            maximum number of tries: 1
            duration: 20 s
            number of transactions actually processed: 104857
            number of failed transactions: 0 (0.000%)
            latency average = 3.052 ms
            initial connection time = 21.518 ms
            tps = 5242.611046 (without initial connection time)
            """;

        Assert.Equal(new PgbenchFigures("send-3-rows", 16, 2, 20, 104857, 0, 5242.6, 3.052),
            PgbenchBaseline.Parse(report, "send-3-rows", clients: 16, threads: 2, seconds: 20));
    }

    private static RunResult Result(string scenario, IReadOnlyList<LoadStep> steps) =>
        new(scenario, "server", "before", new DateTimeOffset(2025, 11, 10, 14, 0, 0, TimeSpan.Zero), "2 cores", 1_000_000, "", steps);
}
