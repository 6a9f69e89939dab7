using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Messaging.Load.Tests.Smoke;

/// <summary>A dll run with <c>dotnet</c> on a loopback port, ready once its <c>/health</c> answers; killed on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri BaseUri { get; }

    public int Id => _process.Id;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<ChildProcess> StartAsync(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, int port)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var child = new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"{dll} did not start"), new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await child.WaitUntilHealthy();
            return child;
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a container; the exit code, or null when it did not exit within <paramref name="timeout"/>.</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        if (kill(_process.Id, SignalTerminate) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        using var waiting = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(waiting.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private async Task WaitUntilHealthy()
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the process exited ({_process.ExitCode}) before it was healthy:\n{Output}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{BaseUri}/health did not answer within {StartTimeout.TotalSeconds} s:\n{Output}");
    }

    private const int SignalTerminate = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private void Keep(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        while (_output.Count > KeptLines)
            _output.TryDequeue(out _);
    }
}
