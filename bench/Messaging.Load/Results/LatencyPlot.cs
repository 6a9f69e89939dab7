using Messaging.Load.Cli;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Messaging.Load.Results;

/// <summary>
/// A PNG of delivery latency (p50 and p99) against offered rate, from the result files of one or more labels: the
/// throughput steps as lines, the latency and overload runs as markers, one colour per label and target, p99 dashed,
/// both axes logarithmic.
/// </summary>
public static class LatencyPlot
{
    private static readonly string[] Scenarios = ["throughput", "latency", "overload"];

    public static async Task<int> RunAsync(Arguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var folder = arguments.Text("results", ResultFile.DefaultFolder);
        var labels = arguments.Text("labels", "before").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var file = arguments.Text("out", Path.Combine(folder, $"latency-vs-rate-{string.Join('-', labels)}.png"));
        var limitMs = arguments.Number("p99-limit-ms", 100);
        arguments.RejectUnread();

        var results = new List<RunResult>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json"))
        {
            var result = await ResultFile.ReadAsync(path, cancellationToken);
            if (labels.Contains(result.Label) && Scenarios.Contains(result.Scenario))
                results.Add(result);
        }
        if (results.Count == 0)
            throw new UsageException($"no throughput, latency or overload results labelled {string.Join(" or ", labels)} in {folder}");
        Draw(results, limitMs).SavePng(file, 1100, 620);
        await output.WriteLineAsync($"plotted {results.Count} result files to {file}");
        return 0;
    }

    public static Plot Draw(IReadOnlyList<RunResult> results, double limitMs)
    {
        var plot = new Plot();
        var targets = results.GroupBy(result => (result.Label, result.Target)).OrderBy(group => group.Key.Label).ThenBy(group => group.Key.Target);
        var colorIndex = 0;
        foreach (var target in targets)
        {
            var color = plot.Add.Palette.GetColor(colorIndex++);
            foreach (var result in target.OrderBy(result => Array.IndexOf(Scenarios, result.Scenario)))
            {
                var steps = result.Steps.Where(step => step.OfferedRate > 0 && step.Delivery.Count > 0).OrderBy(step => step.OfferedRate).ToArray();
                var name = $"{result.Target} {result.Label} {result.Scenario}";
                AddSeries(plot, steps, step => step.Delivery.P50Ms, $"{name} p50", color, isP99: false, result.Scenario);
                AddSeries(plot, steps, step => step.Delivery.P99Ms, $"{name} p99", color, isP99: true, result.Scenario);
            }
        }
        var limit = plot.Add.HorizontalLine(Math.Log10(limitMs));
        limit.LegendText = $"p99 limit {limitMs:0} ms";
        limit.Color = Colors.Red.WithAlpha(0.5);
        limit.LinePattern = LinePattern.Dotted;

        plot.Axes.Bottom.TickGenerator = Logarithmic();
        plot.Axes.Left.TickGenerator = Logarithmic();
        plot.XLabel("offered rate (messages/s)");
        plot.YLabel("send-to-delivery latency (ms)");
        plot.Title("Delivery latency against offered rate (open loop, latency from the due time)");
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Throughput steps as a line; the single runs of latency and overload as markers of their own shape, hollow for p99.</summary>
    private static void AddSeries(Plot plot, IReadOnlyList<LoadStep> steps, Func<LoadStep, double> milliseconds, string legend, Color color, bool isP99, string scenario)
    {
        var series = plot.Add.Scatter(steps.Select(step => Math.Log10(step.OfferedRate)).ToArray(), steps.Select(step => Math.Log10(milliseconds(step))).ToArray(), color);
        series.LegendText = legend;
        series.LinePattern = isP99 ? LinePattern.Dashed : LinePattern.Solid;
        if (scenario == "throughput")
            return;
        series.LineWidth = 0;
        series.MarkerSize = 9;
        series.MarkerShape = scenario == "latency"
            ? isP99 ? MarkerShape.OpenSquare : MarkerShape.FilledSquare
            : isP99 ? MarkerShape.OpenTriangleUp : MarkerShape.FilledTriangleUp;
    }

    /// <summary>Ticks for values plotted as log10, labelled with the values themselves.</summary>
    private static NumericAutomatic Logarithmic() => new()
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = exponent => Math.Pow(10, exponent).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
    };
}
