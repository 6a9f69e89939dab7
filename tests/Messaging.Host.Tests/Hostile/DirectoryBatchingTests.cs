using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests.Hostile;

/// <summary>A host with a small connection budget (6: journal 4, directory 2) and a user with 200 conversations, each with another user about another product.</summary>
public sealed class BusyUserFixture : IAsyncLifetime
{
    public const int Conversations = 200;

    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public TestUser Seller { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["Messaging:StoreConnections"] = "6" });
        Seller = await _host.CreateUser();
        await Parallel.ForAsync(0, Conversations, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (index, _) =>
        {
            var buyer = await Host.CreateUser($"Buyer {index}");
            await buyer.SendTo(Seller, $"question {index}", await Host.CreateProduct($"Product {index}"));
        });
    }

    /// <summary>As after a restart or once the 60 s cache expired: every name and product must be read again.</summary>
    public void ForgetTheDirectory() => ((MemoryCache)Host.Services.GetRequiredService<IMemoryCache>()).Clear();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>
/// A list needs the names and products of all its conversations: uncached, they are read in one query per table,
/// and a burst of such lists waits for the directory's few connections instead of exhausting PostgreSQL.
/// </summary>
public sealed class DirectoryBatchingTests(BusyUserFixture fixture) : IClassFixture<BusyUserFixture>
{
    [Fact]
    public async Task An_uncached_list_of_200_conversations_reads_the_directory_in_two_queries()
    {
        fixture.ForgetTheDirectory();
        var before = fixture.Host.Directory.LookupQueries;

        var list = (await fixture.Seller.ConversationsOk()).Items();

        Assert.Equal(2, fixture.Host.Directory.LookupQueries - before); // users, products
        Assert.Equal(BusyUserFixture.Conversations, list.Length);
        Assert.All(list, conversation => Assert.Equal(
            conversation.Str("participantName")!.Replace("Buyer", "Product"), conversation.Str("productTitle")));
    }

    [Fact]
    public async Task A_burst_of_uncached_lists_on_two_directory_connections_all_answer_200()
    {
        fixture.ForgetTheDirectory();

        var lists = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.Seller.ConversationsOk()));

        Assert.All(lists, list => Assert.Equal(BusyUserFixture.Conversations, list.Items().Length));
    }
}
