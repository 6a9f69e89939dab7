using System.Text;
using Messaging.Actors.Stomp;
using Messaging.Host.Tests.Realtime;

namespace Messaging.Host.Tests;

/// <summary>
/// A body of the wrong shape is refused in the client's terms on both doors: the field and the kind of value it must
/// hold (<c>text must be a string</c>), never a .NET type or namespace.
/// </summary>
[Collection(RealtimeMessagingCollection.Name)]
public sealed class JsonErrorTests(RealtimeHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    /// <summary>Bodies every door refuses the same way, and the refusal; <c>{id}</c> is a conversation of the sender.</summary>
    public static TheoryData<string, string> SendBodies => new()
    {
        { """{"conversationId":"{id}","text":42}""", "text must be a string" },
        { """{"conversationId":"{id}","text":["hi"]}""", "text must be a string" },
        { """{"conversationId":"{id}","text":{"value":"hi"}}""", "text must be a string" },
        { """{"conversationId":"{id}","Text":true}""", "text must be a string" },
        { """{"conversationId":7,"text":"hi"}""", "conversationId must be a string" },
        { """{"recipientId":{"id":"x"},"text":"hi"}""", "recipientId must be a string" },
        { """{"conversationId":"{id}","productId":[],"text":"hi"}""", "productId must be a string" },
        { """{"conversationId":"{id}","text":"hi","clientMessageId":1}""", "clientMessageId must be a string" },
        { """{"conversationId":"{id}","text":"hi",}""", "the body is not valid JSON (line 1, byte 70)" },
        { """["{id}","hi"]""", "the body must be a JSON object" },
        { "\"hi\"", "the body must be a JSON object" },
    };

    public static TheoryData<string, string> MarkReadBodies => new()
    {
        { """{"messageIds":"{id}"}""", "messageIds must be an array of strings" },
        { """{"messageIds":{"0":"{id}"}}""", "messageIds must be an array of strings" },
        { """{"messageIds":[1,2]}""", "messageIds[0] must be a string" },
        { """{"messageIds":["{id}",["{id}"]]}""", "messageIds[1] must be a string" },
        { """{"messageIds":["{id}"}""", "the body is not valid JSON (line 1, byte 54)" },
    };

    public static TheoryData<string, string> BlockBodies => new()
    {
        { """{"block":"yes"}""", "block must be true or false" },
        { """{"block":1}""", "block must be true or false" },
        { """{"block":[true]}""", "block must be true or false" },
    };

    [Theory]
    [MemberData(nameof(SendBodies))]
    public async Task A_send_of_the_wrong_shape_is_400_naming_the_field_over_REST(string body, string detail)
    {
        var (alice, _, conversationId, _) = await RealtimeHelpers.Conversation(Host);

        var response = await alice.Http.PostAsync("/api/messages", Json(body, conversationId));

        Assert.Equal(detail, (await response.ExpectProblem(HttpStatusCode.BadRequest)).Str("detail"));
    }

    [Theory]
    [MemberData(nameof(MarkReadBodies))]
    public async Task A_mark_read_of_the_wrong_shape_is_400_naming_the_field_over_REST(string body, string detail)
    {
        var (_, bob, conversationId, first) = await RealtimeHelpers.Conversation(Host);

        var response = await bob.Http.PatchAsync("/api/messages/mark-read", Json(body, first.Guid("id")));

        Assert.Equal(detail, (await response.ExpectProblem(HttpStatusCode.BadRequest)).Str("detail"));
        Assert.Equal(1, (await bob.ConversationsOk()).Items().Single(item => item.Guid("id") == conversationId).GetProperty("unreadCount").GetInt32());
    }

    [Theory]
    [MemberData(nameof(BlockBodies))]
    public async Task A_block_of_the_wrong_shape_is_400_naming_the_field_over_REST(string body, string detail)
    {
        var (alice, _, conversationId, _) = await RealtimeHelpers.Conversation(Host);

        var response = await alice.Http.PostAsync($"/api/conversations/{conversationId}/block", Json(body, conversationId));

        Assert.Equal(detail, (await response.ExpectProblem(HttpStatusCode.BadRequest)).Str("detail"));
    }

    [Theory]
    [MemberData(nameof(SendBodies))]
    public Task A_send_of_the_wrong_shape_is_an_error_event_naming_the_field_over_STOMP(string body, string message) =>
        ExpectStompRefusal("/app/message.send", body, message);

    [Theory]
    [MemberData(nameof(MarkReadBodies))]
    public Task A_read_of_the_wrong_shape_is_an_error_event_naming_the_field_over_STOMP(string body, string message) =>
        ExpectStompRefusal("/app/messages.read", body, message);

    [Theory]
    [MemberData(nameof(BlockBodies))]
    [InlineData("""{"conversationId":["{id}"],"block":true}""", "conversationId must be a string")]
    public Task A_block_of_the_wrong_shape_is_an_error_event_naming_the_field_over_STOMP(string body, string message) =>
        ExpectStompRefusal("/app/conversation.block", body.Replace("{\"block\"", "{\"conversationId\":\"{id}\",\"block\""), message);

    [Theory]
    [InlineData("""{"conversationId":false}""", "conversationId must be a string")]
    [InlineData("""{"conversationId":"{id}" "x"}""", "the body is not valid JSON (line 1, byte 58)")]
    public Task A_typing_notice_of_the_wrong_shape_is_an_error_event_naming_the_field_over_STOMP(string body, string message) =>
        ExpectStompRefusal("/app/typing.start", body, message);

    private async Task ExpectStompRefusal(string destination, string body, string message)
    {
        var (alice, _, conversationId, _) = await RealtimeHelpers.Conversation(Host);
        await using var client = await StompTestClient.ConnectWithQueuesAsync(alice, "alice");

        await client.SendAsync(destination, body.Replace("{id}", conversationId.ToString()), receipt: "wrong-shape");

        var (_, error) = await client.ExpectMessageAsync(Destination.Errors, "ERROR");
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal(message, error.Str("message"));
        Assert.Equal("wrong-shape", error.Str("receiptId"));
    }

    private static StringContent Json(string body, Guid id) => new(body.Replace("{id}", id.ToString()), Encoding.UTF8, "application/json");
}
