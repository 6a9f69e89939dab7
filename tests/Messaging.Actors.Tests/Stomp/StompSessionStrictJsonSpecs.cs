using Messaging.Actors.Stomp;
using Xunit.Abstractions;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>A SEND body is read as strictly as a REST body: a field named twice is a 400 error event, and nothing is sent.</summary>
public sealed class StompSessionStrictJsonSpecs(ITestOutputHelper output) : StompSessionFixture(output, nameof(StompSessionStrictJsonSpecs))
{
    [Theory]
    [InlineData("text")]
    [InlineData("Text")]
    public void Message_send_naming_text_twice_is_a_400_error_event(string secondName)
    {
        var session = ConnectedSession();
        SubscribeErrors(session);

        var body = $$"""{"conversationId":"{{CameraChat}}","text":"a","{{secondName}}":"b"}""";
        Feed(session, Frame("SEND", body, ("destination", "/app/message.send"), ("content-type", "application/json"), ("receipt", "twice")));

        var error = ExpectErrorEvent();
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal($"{secondName} is given twice (field names match case-insensitively)", error.GetProperty("message").GetString());
        Assert.Equal("twice", error.GetProperty("receiptId").GetString());
        Inboxes.ExpectNoMsg(Quiet);
        Assert.False(Transport.IsClosed);
    }
}
