using System.Globalization;
using System.Runtime.InteropServices;

namespace Messaging.Load.Measuring;

/// <summary>Resident memory and CPU time (user + system) of a process at one moment.</summary>
public readonly record struct ProcessSample(long RssBytes, double CpuSeconds);

/// <summary>Reads a process's resident memory from <c>/proc/PID/status</c> and its CPU time from <c>/proc/PID/stat</c>.</summary>
public sealed class ProcessMeter(int pid)
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK

    /// <summary>The unit of the CPU times in <c>/proc/PID/stat</c> (USER_HZ).</summary>
    private static readonly long TicksPerSecond = SysConf(ClockTicksName) is var ticks and > 0 ? ticks : 100;

    public ProcessSample Sample() => new(
        ParseRssBytes(File.ReadAllText($"/proc/{pid}/status")),
        ParseCpuSeconds(File.ReadAllText($"/proc/{pid}/stat"), TicksPerSecond));

    /// <summary>The <c>VmRSS:  1234 kB</c> line, in bytes.</summary>
    public static long ParseRssBytes(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                continue;
            var fields = line["VmRSS:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(fields[0], CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidDataException("no VmRSS line in /proc/PID/status (is the process gone?)");
    }

    /// <summary>
    /// utime + stime, fields 14 and 15 of <c>/proc/PID/stat</c>. The command name (field 2) is in parentheses and may
    /// hold spaces and parentheses itself, so fields are counted from after its last ')'.
    /// </summary>
    public static double ParseCpuSeconds(string stat, long ticksPerSecond)
    {
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field 14 is fields[11].
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (double)ticks / ticksPerSecond;
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
