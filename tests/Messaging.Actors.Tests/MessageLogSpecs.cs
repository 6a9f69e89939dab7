using Messaging.Actors.Conversations;
using static Messaging.Actors.Tests.Fixtures;

namespace Messaging.Actors.Tests;

public sealed class MessageLogSpecs
{
    private static ChatMessage Message(int n, UserId from, string? clientMessageId = null) =>
        new(MessageNo(n), CameraChat, from, from == Buyer ? Seller : Buyer, Camera, $"message {n}", T0.AddSeconds(n), Read: false, null, null, clientMessageId);

    [Fact]
    public void Holds_its_messages_in_the_order_they_were_appended()
    {
        var log = MessageLog.CreateEmpty().Append(Message(1, Buyer)).Append(Message(2, Seller)).Append(Message(3, Buyer));

        Assert.Equal([MessageNo(1), MessageNo(2), MessageNo(3)], log.Select(message => message.Id));
        Assert.Equal(MessageNo(3), log[^1].Id);
    }

    [Fact]
    public void Finds_a_message_by_its_id()
    {
        var log = MessageLog.CreateEmpty().Append(Message(1, Buyer)).Append(Message(2, Seller));

        Assert.True(log.TryGetPosition(MessageNo(2), out var position));
        Assert.Equal(1, position);
        Assert.False(log.TryGetPosition(MessageNo(3), out _));
    }

    [Fact]
    public void Finds_a_message_by_the_client_message_id_of_its_sender_only()
    {
        var log = MessageLog.CreateEmpty().Append(Message(1, Buyer, "b-1")).Append(Message(2, Seller, "s-1"));

        Assert.True(log.TryGetPosition(Seller, "s-1", out var position));
        Assert.Equal(1, position);
        Assert.False(log.TryGetPosition(Buyer, "s-1", out _));
    }

    [Fact]
    public void An_older_version_does_not_see_what_a_newer_one_appended()
    {
        var older = MessageLog.CreateEmpty().Append(Message(1, Buyer));
        var newer = older.Append(Message(2, Seller, "s-1"));

        Assert.Single(older);
        Assert.Equal(2, newer.Count);
        Assert.False(older.TryGetPosition(MessageNo(2), out _));
        Assert.False(older.TryGetPosition(Seller, "s-1", out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => older[1]);
    }

    [Fact]
    public void Appending_to_an_older_version_leaves_the_newer_one_as_it_was()
    {
        var older = MessageLog.CreateEmpty().Append(Message(1, Buyer));
        var newer = older.Append(Message(2, Seller, "s-1"));

        var branch = older.Append(Message(3, Buyer, "s-1"));

        Assert.Equal([MessageNo(1), MessageNo(2)], newer.Select(message => message.Id));
        Assert.Equal([MessageNo(1), MessageNo(3)], branch.Select(message => message.Id));
        Assert.True(newer.TryGetPosition(Seller, "s-1", out _));
        Assert.False(branch.TryGetPosition(Seller, "s-1", out _));
        Assert.False(branch.TryGetPosition(MessageNo(2), out _));
        Assert.True(branch.TryGetPosition(MessageNo(3), out var position));
        Assert.Equal(1, position);
    }

    [Fact]
    public void Empty_logs_share_nothing()
    {
        var first = MessageLog.CreateEmpty().Append(Message(1, Buyer));
        var second = MessageLog.CreateEmpty().Append(Message(2, Seller));

        Assert.Equal([MessageNo(1)], first.Select(message => message.Id));
        Assert.Equal([MessageNo(2)], second.Select(message => message.Id));
    }
}
