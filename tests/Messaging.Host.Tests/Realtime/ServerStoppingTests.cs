using Messaging.Actors.Stomp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Messaging.Host.Tests.Realtime;

/// <summary>A node that shuts down (SIGTERM, a deployment) tells its STOMP clients, so they reconnect to another.</summary>
public sealed class ServerStoppingTests
{
    [Fact]
    public async Task A_node_shutting_down_ends_each_STOMP_session_with_an_ERROR_the_client_can_reconnect_from()
    {
        await using var host = await MessagingHost.StartPostgres();
        var (alice, _, conversationId, _) = await RealtimeHelpers.Conversation(host);
        await using var client = await StompTestClient.ConnectAsync(alice, "alice");
        await client.SendAsync("/app/message.send", new { conversationId, text = "sent as the node stops", clientMessageId = "last" }, receipt: "last");
        await client.ExpectReceiptAsync("last");

        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var error = await client.ExpectFrameAsync(frame => frame.Command == StompCommand.Error, "ERROR");
        Assert.Equal("server shutting down", error.Header("message"));
    }
}
