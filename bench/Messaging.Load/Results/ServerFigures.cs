using Messaging.Load.Measuring;

namespace Messaging.Load.Results;

/// <summary>What a run cost the server process (or the relay): resident memory and CPU time.</summary>
public sealed record ServerFigures(double RssStartMiB, double RssEndMiB, double RssPeakMiB, double CpuSeconds, double CpuMicrosecondsPerMessage)
{
    private const double Mebibyte = 1024 * 1024;

    public static ServerFigures Between(ProcessSample first, ProcessSample last, long peakRssBytes, long messages)
    {
        var cpuSeconds = Math.Round(last.CpuSeconds - first.CpuSeconds, 3);
        return new ServerFigures(
            MiB(first.RssBytes), MiB(last.RssBytes), MiB(peakRssBytes), cpuSeconds,
            messages > 0 ? Math.Round(cpuSeconds * 1_000_000 / messages, 1) : 0);
    }

    private static double MiB(long bytes) => Math.Round(bytes / Mebibyte, 1);
}
