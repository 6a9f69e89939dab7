using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.Host.Tests.Hostile;

/// <summary>A host on a real loopback port whose log the tests read.</summary>
public sealed class LoggedLoopbackHostFixture : IAsyncLifetime
{
    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public RecordingLoggerProvider Log { get; } = new();

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(onLoopback: true, testServices: services => services.AddSingleton<ILoggerProvider>(Log));

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>
/// A client that announces a body and stops sending it is answered 408 as problem details once Kestrel's minimum
/// data rate gives up on it (after its 5 s grace), and the log counts it as the client's fault, not a server error.
/// </summary>
public sealed class StalledBodyTests(LoggedLoopbackHostFixture fixture) : IClassFixture<LoggedLoopbackHostFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("POST", "/api/messages")]
    [InlineData("PATCH", "/api/messages/mark-read")]
    public async Task A_body_that_stops_arriving_is_408_problem_details(string method, string path)
    {
        var response = await SendStalled(method, path);

        Assert.StartsWith("HTTP/1.1 408 ", response);
        Assert.Contains("Content-Type: application/problem+json", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"status\":408", response);
    }

    [Fact]
    public async Task A_body_that_stops_arriving_is_logged_without_any_error()
    {
        await SendStalled("POST", "/api/messages");

        Assert.DoesNotContain(fixture.Log.Entries, entry => entry.Level >= LogLevel.Error);
    }

    /// <summary>Headers announcing 100 bytes, then 10 of them, then silence; what the server answers before it closes.</summary>
    private async Task<string> SendStalled(string method, string path)
    {
        var user = await fixture.Host.CreateUser();
        var address = fixture.Host.BaseAddress;
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        var request = $"{method} {path} HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {user.Token}\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"text\":\"a";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var patience = new CancellationTokenSource(Patience);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while (!Complete(received) && (read = await stream.ReadAsync(buffer, patience.Token)) > 0)
            received.Write(buffer, 0, read);
        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <summary>Whether the response's head and its Content-Length of body have arrived.</summary>
    private static bool Complete(MemoryStream received)
    {
        var text = Encoding.UTF8.GetString(received.ToArray());
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
            return false;
        var length = text[..headEnd].Split("\r\n")
            .Where(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(line => int.Parse(line["Content-Length:".Length..].Trim()))
            .FirstOrDefault();
        return received.Length >= Encoding.UTF8.GetByteCount(text[..headEnd]) + 4 + length;
    }
}
