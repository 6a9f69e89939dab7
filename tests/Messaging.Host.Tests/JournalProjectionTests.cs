using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Messaging.Actors.Conversations;
using Microsoft.Extensions.DependencyInjection;
using static Messaging.Actors.Conversations.ConversationEvents;

namespace Messaging.Host.Tests;

/// <summary>
/// A projection into the spec's tables can follow the journal: every conversation event is tagged, carries its ids,
/// and the read journal hands them back in the order they were written.
/// </summary>
[Collection(EndpointsCollection.Name)]
public sealed class JournalProjectionTests(PostgresHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    /// <summary>Everything tagged <c>conversation</c> so far, as a projection starting from scratch reads it.</summary>
    private async Task<List<EventEnvelope>> AllTaggedEvents()
    {
        var system = Host.Services.GetRequiredService<ActorSystem>();
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        return await journal.CurrentEventsByTag(ConversationEventTagger.Tag, Offset.NoOffset())
            .RunAggregate(new List<EventEnvelope>(), (all, envelope) => { all.Add(envelope); return all; }, system.Materializer());
    }

    [Fact]
    public async Task Every_change_of_a_conversation_is_read_back_by_tag_in_write_order_with_its_ids()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        var product = await Host.CreateProduct();
        var first = await buyer.SendTo(seller, "is it still for sale?", product);
        var conversationId = first.Guid("conversationId");
        var reply = await seller.Reply(conversationId, "yes");
        await buyer.MarkReadOk(reply.Guid("id"));
        await seller.BlockOk(conversationId, true);

        var envelopes = (await AllTaggedEvents()).Where(envelope => envelope.PersistenceId == $"conversation-{conversationId}").ToList();

        Assert.Equal([1L, 2, 3, 4, 5], envelopes.Select(envelope => envelope.SequenceNr));
        var offsets = envelopes.Select(envelope => ((Sequence)envelope.Offset).Value).ToList();
        Assert.Equal(offsets.Order(), offsets);
        Assert.Equal(offsets.Count, offsets.Distinct().Count());
        var started = Assert.IsType<ConversationStarted>(envelopes[0].Event);
        Assert.Equal((conversationId, (Guid?)product, buyer.Id, seller.Id),
            (started.ConversationId.Value, started.ProductId?.Value, started.InitiatorId.Value, started.RecipientId.Value));
        var sent = Assert.IsType<MessageSent>(envelopes[1].Event);
        Assert.Equal((conversationId, first.Guid("id"), buyer.Id, "is it still for sale?"),
            (sent.ConversationId.Value, sent.Message.Id.Value, sent.Message.SenderId.Value, sent.Message.Text));
        var replied = Assert.IsType<MessageSent>(envelopes[2].Event);
        Assert.Equal((reply.Guid("id"), seller.Id), (replied.Message.Id.Value, replied.Message.SenderId.Value));
        var read = Assert.IsType<MessagesRead>(envelopes[3].Event);
        Assert.Equal((conversationId, buyer.Id, reply.Guid("id")), (read.ConversationId.Value, read.ReaderId.Value, Assert.Single(read.MessageIds).Value));
        var blocked = Assert.IsType<ConversationBlocked>(envelopes[4].Event);
        Assert.Equal((conversationId, seller.Id), (blocked.ConversationId.Value, blocked.BlockedBy.Value));
    }

    [Fact]
    public async Task Inbox_bookkeeping_is_not_in_the_conversation_tag()
    {
        var buyer = await Host.CreateUser();
        var seller = await Host.CreateUser();
        await buyer.SendTo(seller, "hello", await Host.CreateProduct());

        var persistenceIds = (await AllTaggedEvents()).Select(envelope => envelope.PersistenceId).Distinct().ToList();

        Assert.NotEmpty(persistenceIds);
        Assert.All(persistenceIds, id => Assert.StartsWith("conversation-", id));
    }
}
