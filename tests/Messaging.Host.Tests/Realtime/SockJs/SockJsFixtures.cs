using System.Net.Sockets;
using System.Text;
using Messaging.Host.Realtime.SockJs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests.Realtime.SockJs;

/// <summary>
/// The real host on a loopback port with the protocol suite's services mapped beside <c>/ws</c> (in tests only):
/// <c>/echo</c>, <c>/close</c>, <c>/disabled_websocket_echo</c>, <c>/cookie_needed_echo</c>, and <c>/fast_echo</c>
/// (fast heart-beats and a short disconnect delay), <c>/pausing_echo</c> (the application pauses receiving).
/// The echo services end streaming responses after 4 KiB, as the suite asks of a test server.
/// </summary>
public sealed class SockJsHostFixture : IAsyncLifetime
{
    public static readonly SockJsSettings Echo = new() { StreamingResponseLimitBytes = 4096 };

    public static readonly SockJsSettings Fast = new()
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(300), DisconnectDelay = TimeSpan.FromMilliseconds(400),
    };

    public static readonly SockJsSettings Pausing = new() { MaxSendWait = TimeSpan.FromSeconds(2) };

    private readonly Dictionary<string, SockJsServer> _servers = new()
    {
        ["/echo"] = new SockJsServer(Echo, 256, new EchoApplication()),
        ["/close"] = new SockJsServer(Echo, 256, new CloseApplication()),
        ["/disabled_websocket_echo"] = new SockJsServer(Echo with { WebSocketEnabled = false }, 256, new EchoApplication()),
        ["/cookie_needed_echo"] = new SockJsServer(Echo with { CookieNeeded = true }, 256, new EchoApplication()),
        ["/fast_echo"] = new SockJsServer(Fast, 256, new EchoApplication()),
        ["/pausing_echo"] = new SockJsServer(Pausing, 256, new PausingEchoApplication()),
    };

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public SockJsServer Server(string prefix) => _servers[prefix];

    public async Task InitializeAsync() =>
        _host = await MessagingHost.StartPostgres(
            new Dictionary<string, string?> { ["Stomp:TokenCookie"] = RealtimeHostFixture.TokenCookie },
            onLoopback: true,
            testServices: services => services.AddSingleton<IStartupFilter>(new MapServices(_servers)));

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        foreach (var server in _servers.Values)
            server.Dispose();
    }

    /// <summary>Maps each test service in a branch of its own ahead of the host's pipeline.</summary>
    private sealed class MapServices(Dictionary<string, SockJsServer> servers) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            foreach (var (prefix, server) in servers)
                app.Map(prefix, branch => branch.UseWebSockets().Run(context => server.Handle(context, context.Request.Path)));
            next(app);
        };
    }
}

[CollectionDefinition(Name)]
public sealed class SockJsCollection : ICollectionFixture<SockJsHostFixture>
{
    public const string Name = "SockJS: the protocol suite's services on a loopback port";
}

/// <summary>The suite's <c>echo</c>: every message straight back.</summary>
public sealed class EchoApplication : ISockJsApplication
{
    public ISockJsReceiver Open(SockJsSession session, HttpContext request) => new Echo(session);

    private sealed class Echo(SockJsSession session) : ISockJsReceiver
    {
        public void Received(ReadOnlyMemory<byte> message)
        {
            if (!session.TrySend(message))
                session.Close();
        }

        public void Closed() { }
    }
}

/// <summary>The suite's <c>close</c>: closes every session as it opens.</summary>
public sealed class CloseApplication : ISockJsApplication
{
    public ISockJsReceiver Open(SockJsSession session, HttpContext request)
    {
        session.Close();
        return new Ignore();
    }

    private sealed class Ignore : ISockJsReceiver
    {
        public void Received(ReadOnlyMemory<byte> message) { }

        public void Closed() { }
    }
}

/// <summary>An echo whose application stops receiving on <c>"pause"</c> for one second, or for good on <c>"stall"</c>.</summary>
public sealed class PausingEchoApplication : ISockJsApplication
{
    public static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);

    public ISockJsReceiver Open(SockJsSession session, HttpContext request) => new PausingEcho(session);

    private sealed class PausingEcho(SockJsSession session) : ISockJsReceiver
    {
        public void Received(ReadOnlyMemory<byte> message)
        {
            var text = Encoding.UTF8.GetString(message.Span);
            if (text is "pause" or "stall")
                session.SetReceiving(false);
            if (text == "pause")
                _ = Task.Delay(Pause).ContinueWith(_ => session.SetReceiving(true), TaskScheduler.Default);
            session.TrySend(message);
        }

        public void Closed() { }
    }
}

/// <summary>HTTP requests as the suite makes them, against the loopback host.</summary>
public sealed class SockJsClient(MessagingHost host) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static string NewSession(string service) => $"{service}/000/{Guid.NewGuid()}";

    public Task<HttpResponseMessage> Get(string url, params (string Name, string Value)[] headers) => Send(HttpMethod.Get, url, null, headers);

    public Task<HttpResponseMessage> Post(string url, string? body = null, params (string Name, string Value)[] headers) => Send(HttpMethod.Post, url, body, headers);

    public Task<HttpResponseMessage> Options(string url, params (string Name, string Value)[] headers) => Send(HttpMethod.Options, url, null, headers);

    /// <summary>A poll that waits at the server; cancelling <paramref name="abort"/> drops its connection, as a client that goes away.</summary>
    public Task<HttpResponseMessage> PendingPoll(string url, CancellationToken abort) => Send(HttpMethod.Post, url, "", [], abort: abort);

    public async Task<HttpResponseMessage> Send(
        HttpMethod method, string url, string? body, (string Name, string Value)[] headers, bool streaming = false, CancellationToken abort = default)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
                request.Headers.TryAddWithoutValidation(name, value);
        }
        return await _http.SendAsync(request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, abort);
    }

    /// <summary>A streaming request, read piece by piece as the server writes.</summary>
    public async Task<StreamingResponse> Stream(HttpMethod method, string url, params (string Name, string Value)[] headers)
    {
        var response = await Send(method, url, method == HttpMethod.Post ? "" : null, headers, streaming: true);
        return new StreamingResponse(response, await response.Content.ReadAsStreamAsync());
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A response the server keeps writing to.</summary>
public sealed class StreamingResponse(HttpResponseMessage response, Stream body) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    /// <summary>The next line (frame) of the body, without its new line.</summary>
    public async Task<string> ReadLine()
    {
        var line = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await body.ReadAsync(one, timeout.Token) == 1 && one[0] != (byte)'\n')
            line.Add(one[0]);
        return Encoding.UTF8.GetString(line.ToArray());
    }

    /// <summary>Reads exactly as many bytes as <paramref name="expected"/> has (UTF-8) and returns them as text.</summary>
    public async Task<string> Read(string expected) => await Read(Encoding.UTF8.GetByteCount(expected));

    public async Task<string> Read(int bytes)
    {
        var buffer = new byte[bytes];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await body.ReadExactlyAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer);
    }

    /// <summary>Reads until the response ends; throws when the connection is cut first (or <paramref name="limit"/> passes).</summary>
    public async Task ReadToEnd(TimeSpan limit)
    {
        var buffer = new byte[256 * 1024];
        using var timeout = new CancellationTokenSource(limit);
        while (await body.ReadAsync(buffer, timeout.Token) > 0)
        {
        }
    }

    /// <summary>Whether the server ended the response (nothing more to read).</summary>
    public async Task<bool> Ended()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await body.ReadAsync(new byte[1], timeout.Token) == 0;
    }

    public void Dispose()
    {
        body.Dispose();
        Response.Dispose();
    }
}

/// <summary>A raw TCP connection for HTTP/1.0 and keep-alive checks the HTTP client would hide.</summary>
public sealed class RawHttpConnection(TcpClient tcp) : IDisposable
{
    private readonly NetworkStream _stream = tcp.GetStream();

    public static async Task<RawHttpConnection> Open(MessagingHost host)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        return new RawHttpConnection(tcp);
    }

    public Task Request(string method, string path, string version, string host, string extraHeaders = "") =>
        _stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"{method} {path} HTTP/{version}\r\nHost: {host}\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n{extraHeaders}\r\n")).AsTask();

    /// <summary>Status line and headers (names lower-cased).</summary>
    public async Task<(string StatusLine, Dictionary<string, string> Headers)> ReadHead()
    {
        var head = new StringBuilder();
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            head.Append((char)await ReadByte());
        var lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        return (lines[0], lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(pair => pair[0].Trim().ToLowerInvariant(), pair => pair[1].Trim()));
    }

    public async Task<string> Read(int bytes)
    {
        var buffer = new byte[bytes];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _stream.ReadExactlyAsync(buffer, timeout.Token);
        return Encoding.UTF8.GetString(buffer);
    }

    /// <summary>One chunk of a chunked body ("" for the last).</summary>
    public async Task<string> ReadChunk()
    {
        var sizeLine = new StringBuilder();
        while (!sizeLine.ToString().EndsWith("\r\n", StringComparison.Ordinal))
            sizeLine.Append((char)await ReadByte());
        var size = Convert.ToInt32(sizeLine.ToString().Trim(), 16);
        var chunk = await Read(size);
        await Read(2);
        return chunk;
    }

    /// <summary>Whether the server closed the connection.</summary>
    public async Task<bool> Closed()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _stream.ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<byte> ReadByte()
    {
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        if (await _stream.ReadAsync(one, timeout.Token) == 0)
            throw new IOException("the server closed the connection");
        return one[0];
    }

    public void Dispose()
    {
        _stream.Dispose();
        tcp.Dispose();
    }
}
