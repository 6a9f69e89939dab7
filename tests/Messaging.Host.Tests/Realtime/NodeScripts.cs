using System.ComponentModel;
using System.Diagnostics;

namespace Messaging.Host.Tests.Realtime;

/// <summary>
/// Runs a script of <c>tests/stomp-client</c> under Node (the real STOMP.js, sockjs-client and Playwright) and reads the
/// one-line JSON summary it prints last. Needs <c>node</c> on the PATH and the folder's <c>node_modules</c>
/// (<c>./test.sh</c> runs <c>npm ci</c>); without them the tests fail, they never skip.
/// </summary>
public static class NodeScripts
{
    public static string Folder => Path.Combine(RepositoryRoot(), "tests", "stomp-client");

    /// <summary>Runs <c>node script arguments…</c>; asserts it exited 0 with a summary whose <c>ok</c> is true, and returns the summary.</summary>
    public static async Task<JsonElement> RunToSuccess(TimeSpan timeout, string script, params string[] arguments)
    {
        var (exitCode, stdout, stderr) = await Run(timeout, script, arguments);
        var output = $"exit code {exitCode}\nstdout: {stdout}\nstderr: {stderr}";
        var summaryLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(line => line.StartsWith('{'));
        Assert.True(summaryLine is not null, $"{script} printed no JSON summary; {output}");
        var summary = RealtimeHelpers.Json(summaryLine);
        Assert.True(exitCode == 0 && summary.Bool("ok"), $"{script} failed: {summary.GetProperty("failure")}; {output}");
        return summary;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> Run(TimeSpan timeout, string script, string[] arguments)
    {
        var folder = Folder;
        Assert.True(System.IO.Directory.Exists(Path.Combine(folder, "node_modules", "@stomp", "stompjs")),
            $"{folder}/node_modules lacks @stomp/stompjs: run `npm ci` there (./test.sh does it)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception missing)
        {
            throw new InvalidOperationException("Node.js (`node`) is required for the tests of tests/stomp-client and was not found on the PATH", missing);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"node {script} did not finish within {timeout.TotalSeconds} s; stdout: {await stdout}; stderr: {await stderr}");
            }
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Messaging.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"no Messaging.sln above {AppContext.BaseDirectory}");
    }
}
