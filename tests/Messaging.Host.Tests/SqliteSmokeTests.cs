using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests;

/// <summary>The zero-setup store: one host on a temporary SQLite file.</summary>
public sealed class SqliteHostFixture : IAsyncLifetime
{
    private MessagingHost? _host;

    public string File { get; } = TestDatabase.NewSqliteFile();

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() => _host = await MessagingHost.StartSqlite(File);

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        TestDatabase.DeleteSqliteFile(File);
    }
}

public sealed class SqliteSmokeTests(SqliteHostFixture fixture) : IClassFixture<SqliteHostFixture>
{
    private MessagingHost Host => fixture.Host;

    [Fact]
    public void The_host_runs_on_the_sqlite_file()
    {
        Assert.Equal(Messaging.Host.Configuration.StoreKind.Sqlite, Host.Store);
        Assert.True(System.IO.File.Exists(fixture.File));
    }

    [Fact]
    public void The_journal_is_the_librarys_own_on_sqlite()
    {
        var config = Host.Services.GetRequiredService<Akka.Actor.ActorSystem>().Settings.Config;

        Assert.Equal(Messaging.Actors.Hosting.HoconTypeName.Of(typeof(Akka.Persistence.Sql.Journal.SqlWriteJournal)),
            config.GetString("akka.persistence.journal.sql.class"));
    }

    [Fact]
    public async Task Sending_and_listing_work()
    {
        var buyer = await Host.CreateUser("Jane Smith");
        var seller = await Host.CreateUser("John Doe");
        var product = await Host.CreateProduct("Vintage Camera", "https://images.example.test/camera.jpg");

        var sent = await buyer.SendTo(seller, "Is this still available?", product);
        var reply = await seller.SendTo(buyer, "Yes", product);

        Contract.AssertFields(sent, Contract.MessageFields);
        Assert.Equal(sent.Guid("conversationId"), reply.Guid("conversationId"));
        Assert.Equal("Jane Smith", sent.Str("senderName"));
        var forSeller = Assert.Single((await seller.ConversationsOk()).Items());
        Contract.AssertFields(forSeller, Contract.ConversationFields);
        Assert.Equal(buyer.Id, forSeller.Guid("participantId"));
        Assert.Equal("Jane Smith", forSeller.Str("participantName"));
        Assert.Equal("Vintage Camera", forSeller.Str("productTitle"));
        Assert.Equal("Yes", forSeller.Str("lastMessage"));
        Assert.Equal(1, forSeller.Int("unreadCount"));
        Assert.Equal(["Is this still available?", "Yes"], (await buyer.MessagesOk($"recipientId={seller.Id}&productId={product}")).Texts());
    }

    [Fact]
    public async Task Marking_read_works()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var first = await alice.SendTo(bob, "one");
        var second = await alice.Reply(first.Guid("conversationId"), "two");

        Assert.Equal(2, await bob.MarkReadOk(first.Id(), second.Id()));
        Assert.Equal(0, await bob.MarkReadOk(first.Id(), second.Id()));
        Assert.Equal(0, (await bob.ListedConversation(first.Guid("conversationId"))).Int("unreadCount"));
        Assert.All((await alice.History(first.Guid("conversationId"))).Items(), message => Assert.True(message.Bool("read")));
    }

    [Fact]
    public async Task Blocking_works()
    {
        var alice = await Host.CreateUser();
        var bob = await Host.CreateUser();
        var conversationId = (await alice.SendTo(bob, "hi")).Guid("conversationId");

        var blocked = await bob.BlockOk(conversationId, true);

        Assert.True(blocked.Bool("blocked"));
        Assert.Equal(bob.Id, blocked.Guid("blockedBy"));
        await (await alice.Send(new { conversationId, text = "blocked?" })).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.True((await alice.ListedConversation(conversationId)).Bool("isBlocked"));
        await bob.BlockOk(conversationId, false);
        await alice.Reply(conversationId, "free");
    }

    [Fact]
    public async Task Errors_are_problem_details_on_sqlite_too()
    {
        var alice = await Host.CreateUser();

        await (await alice.Send(new { recipientId = Guid.NewGuid(), text = "nobody" })).ExpectProblem(HttpStatusCode.NotFound);
        await (await alice.GetConversation(Guid.NewGuid())).ExpectProblem(HttpStatusCode.NotFound);
        await (await alice.Send(new { recipientId = alice.Id, text = "me" })).ExpectProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_restarted_host_on_the_same_file_reads_everything_back()
    {
        var file = TestDatabase.NewSqliteFile();
        try
        {
            RestartScenario scenario;
            SortedDictionary<string, string> before;
            await using (var hostA = await MessagingHost.StartSqlite(file))
            {
                scenario = await RestartScenario.Write(hostA);
                before = await scenario.Capture();
            }

            await using var hostB = await MessagingHost.StartSqlite(file);
            scenario.On(hostB);
            await scenario.AssertSurvivedRestart(before);
        }
        finally
        {
            TestDatabase.DeleteSqliteFile(file);
        }
    }
}
