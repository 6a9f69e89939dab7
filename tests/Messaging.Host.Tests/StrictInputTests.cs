using System.Text;

namespace Messaging.Host.Tests;

/// <summary>
/// Input that is ambiguous or invisible is refused with a 400 problem, never stored: a JSON field named twice (in any
/// case), text of only invisible characters, and a history request whose recipientId contradicts its conversationId.
/// </summary>
[Collection(RulesCollection.Name)]
public sealed class StrictInputTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(TestUser Alice, TestUser Bob, Guid ConversationId)> Conversation()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "hello")).Guid("conversationId");
        return (alice, bob, conversationId);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("Text")]
    public async Task A_message_naming_text_twice_is_400_and_stores_nothing(string secondName)
    {
        var (alice, bob, conversationId) = await Conversation();

        var response = await alice.Http.PostAsync("/api/messages", Json($$"""{"conversationId":"{{conversationId}}","text":"a","{{secondName}}":"b"}"""));

        Assert.Equal($"{secondName} is given twice (field names match case-insensitively)", (await response.ExpectProblem(HttpStatusCode.BadRequest)).Str("detail"));
        Assert.Equal(["hello"], (await bob.History(conversationId)).Texts());
    }

    [Fact]
    public async Task A_mark_read_naming_messageIds_twice_is_400()
    {
        var (_, bob, conversationId) = await Conversation();
        var messageId = (await bob.History(conversationId)).Items().Single().Id();

        var response = await bob.Http.PatchAsync("/api/messages/mark-read", Json($$"""{"messageIds":[],"MessageIds":["{{messageId}}"]}"""));

        await response.ExpectProblem(HttpStatusCode.BadRequest);
        Assert.False((await bob.History(conversationId)).Items().Single().Bool("read"));
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("\u200B")]
    [InlineData("\uFEFF")]
    public async Task A_message_of_only_an_invisible_character_is_400_empty_text(string text)
    {
        var (alice, bob, conversationId) = await Conversation();

        var problem = await (await alice.Send(new { conversationId, text })).ExpectProblem(HttpStatusCode.BadRequest);

        Assert.Equal("text must not be empty", problem.Str("detail"));
        Assert.Equal(["hello"], (await bob.History(conversationId)).Texts());
    }

    [Fact]
    public async Task History_with_a_recipientId_that_is_not_the_other_participant_is_400_as_a_send_would_be()
    {
        var (alice, _, conversationId) = await Conversation();
        var carol = await Host.CreateUser();

        var history = await alice.GetMessages($"conversationId={conversationId}&recipientId={carol.Id}");
        var send = await alice.Send(new { conversationId, recipientId = carol.Id, text = "hi" });

        Assert.Equal("recipientId is not the other participant of this conversation", (await history.ExpectProblem(HttpStatusCode.BadRequest)).Str("detail"));
        Assert.Equal("recipientId is not the other participant of this conversation", (await send.ExpectProblem(HttpStatusCode.BadRequest)).Str("detail"));
    }

    [Fact]
    public async Task History_with_the_other_participant_as_recipientId_is_the_conversation()
    {
        var (alice, bob, conversationId) = await Conversation();

        Assert.Equal(["hello"], (await alice.MessagesOk($"conversationId={conversationId}&recipientId={bob.Id}")).Texts());
    }

    [Fact]
    public async Task History_of_someone_elses_conversation_with_a_recipientId_is_403_and_says_nothing_of_its_participants()
    {
        var (_, bob, conversationId) = await Conversation();
        var stranger = await Host.CreateUser();

        var problem = await (await stranger.GetMessages($"conversationId={conversationId}&recipientId={bob.Id}")).ExpectProblem(HttpStatusCode.Forbidden);

        Assert.Equal("not a participant of this conversation", problem.Str("detail"));
    }
}
