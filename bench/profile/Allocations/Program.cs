using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;

// Allocations.dll TRACE [FRAMES] [SITES]: the bytes sampled by the runtime's allocation ticks (one about every 100 KB),
// by type and by call site (the allocating frame and FRAMES callers), as shares of all sampled bytes.
if (args.Length is 0 or > 3)
{
    Console.Error.WriteLine("usage: Allocations TRACE.nettrace [callers per site, default 3] [sites listed, default 60]");
    return 2;
}
var callers = args.Length > 1 ? int.Parse(args[1]) : 3;
var sitesListed = args.Length > 2 ? int.Parse(args[2]) : 60;

var byType = new Dictionary<string, long>();
var bySite = new Dictionary<string, long>();
long total = 0;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var source = log.Events.GetSource();
new ClrTraceEventParser(source).GCAllocationTick += tick =>
{
    total += tick.AllocationAmount64;
    byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + tick.AllocationAmount64;
    var frames = new List<string>();
    for (var frame = tick.CallStack(); frame is not null && frames.Count <= callers; frame = frame.Caller)
    {
        if (frame.CodeAddress.FullMethodName is { Length: > 0 } method)
            frames.Add(method.Split('(')[0]);
    }
    var site = $"{tick.TypeName} @ {string.Join(" <- ", frames)}";
    bySite[site] = bySite.GetValueOrDefault(site) + tick.AllocationAmount64;
};
source.Process();

Console.WriteLine($"sampled {total / 1e6:0.0} MB");
Console.WriteLine("--- by type");
foreach (var (type, bytes) in byType.OrderByDescending(entry => entry.Value).Take(40))
    Console.WriteLine($"{100.0 * bytes / total,5:0.0}% {type}");
Console.WriteLine("--- by site");
foreach (var (site, bytes) in bySite.OrderByDescending(entry => entry.Value).Take(sitesListed))
    Console.WriteLine($"{100.0 * bytes / total,5:0.0}% {site}");
return 0;
