namespace Messaging.Host.Tests.Infrastructure;

/// <summary>
/// A mixed state worth surviving a restart: conversations with and without a product, messages both ways, some
/// read, blocks by one side, by both sides and lifted again. <see cref="Capture"/> records every view of it.
/// </summary>
public sealed class RestartScenario
{
    private RestartScenario(TestUser alice, TestUser bob, TestUser carol, TestUser dave, Guid camera, Guid bike)
    {
        Alice = alice;
        Bob = bob;
        Carol = carol;
        Dave = dave;
        Camera = camera;
        Bike = bike;
    }

    public TestUser Alice { get; private set; }
    public TestUser Bob { get; private set; }
    public TestUser Carol { get; private set; }
    public TestUser Dave { get; private set; }
    public Guid Camera { get; }
    public Guid Bike { get; }

    /// <summary>Alice and Bob about the camera: 6 messages, some read on each side, open.</summary>
    public Guid AliceBobCamera { get; private set; }
    /// <summary>Carol and Alice without a product, blocked by Carol.</summary>
    public Guid CarolAlice { get; private set; }
    /// <summary>Dave and Bob about the bike, blocked by both, then unblocked by Dave: still blocked by Bob.</summary>
    public Guid DaveBobBike { get; private set; }
    /// <summary>Alice and Bob about the bike, blocked and unblocked by Alice.</summary>
    public Guid AliceBobBike { get; private set; }

    public TestUser[] Users => [Alice, Bob, Carol, Dave];

    public static async Task<RestartScenario> Write(MessagingHost host)
    {
        var scenario = new RestartScenario(
            await host.CreateUser("Alice Buyer"), await host.CreateUser("Bob Seller"), await host.CreateUser("Carol Buyer"), await host.CreateUser("Dave Buyer"),
            await host.CreateProduct("Vintage Camera", "https://images.example.test/camera.jpg"), await host.CreateProduct("Road Bike", imageUrl: null));
        var (alice, bob, carol, dave) = (scenario.Alice, scenario.Bob, scenario.Carol, scenario.Dave);

        var a1 = await alice.SendTo(bob, "Is the camera still available?", scenario.Camera);
        var camera = scenario.AliceBobCamera = a1.Guid("conversationId");
        var b1 = await bob.Reply(camera, "Yes! <b>mint</b> condition 📷");
        var a2 = await alice.Reply(camera, "Price \"negotiable\"?\nAsking for a friend.");
        await bob.Reply(camera, "Not really.");
        await alice.Reply(camera, "OK, I'll take it");
        await alice.Reply(camera, "When can I pick it up?");
        Assert.Equal(2, await bob.MarkReadOk(a1.Id(), a2.Id()));
        Assert.Equal(1, await alice.MarkReadOk(b1.Id()));

        var c1 = await carol.SendTo(alice, "hi alice");
        scenario.CarolAlice = c1.Guid("conversationId");
        await carol.Reply(scenario.CarolAlice, "are you there?");
        await alice.Reply(scenario.CarolAlice, "please stop");
        await carol.BlockOk(scenario.CarolAlice, true);

        var d1 = await dave.SendTo(bob, "bike?", scenario.Bike);
        scenario.DaveBobBike = d1.Guid("conversationId");
        await bob.Reply(scenario.DaveBobBike, "sold, sorry");
        await dave.BlockOk(scenario.DaveBobBike, true);
        await bob.BlockOk(scenario.DaveBobBike, true);
        await dave.BlockOk(scenario.DaveBobBike, false);

        scenario.AliceBobBike = (await alice.SendTo(bob, "and the bike?", scenario.Bike)).Guid("conversationId");
        await alice.BlockOk(scenario.AliceBobBike, true);
        await alice.BlockOk(scenario.AliceBobBike, false);
        return scenario;
    }

    /// <summary>The same users, talking to another host.</summary>
    public RestartScenario On(MessagingHost host)
    {
        Alice = Alice.On(host);
        Bob = Bob.On(host);
        Carol = Carol.On(host);
        Dave = Dave.On(host);
        return this;
    }

    /// <summary>Every user's list, and each listed conversation's detail and history, as raw JSON by view.</summary>
    public async Task<SortedDictionary<string, string>> Capture()
    {
        var views = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var user in Users)
        {
            var list = await user.ConversationsOk();
            views[$"{user.Name}: GET /api/conversations"] = list.GetRawText();
            foreach (var conversation in list.Items())
            {
                var id = conversation.Id();
                views[$"{user.Name}: GET /api/conversations/{id}"] = (await user.ConversationOk(id)).GetRawText();
                views[$"{user.Name}: GET /api/messages?conversationId={id}"] = (await user.History(id)).GetRawText();
                var query = conversation.GetProperty("productId").ValueKind == JsonValueKind.Null
                    ? $"recipientId={conversation.Str("participantId")}"
                    : $"recipientId={conversation.Str("participantId")}&productId={conversation.Str("productId")}";
                views[$"{user.Name}: GET /api/messages?{query}"] = (await user.MessagesOk(query)).GetRawText();
            }
        }
        return views;
    }

    /// <summary>On the new host: every view reads exactly as captured before the restart, and the conversations go on.</summary>
    public async Task AssertSurvivedRestart(SortedDictionary<string, string> before)
    {
        var after = await Capture();
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (view, json) in before)
            Assert.True(json == after[view], $"{view} differs after the restart:\nbefore: {json}\nafter:  {after[view]}");
        await AssertContent();
        await AssertItKeepsWorking();
    }

    /// <summary>What the capture must say about the scenario, so that an empty or reset store can not pass as "identical".</summary>
    public async Task AssertContent()
    {
        var aliceCamera = await Alice.ListedConversation(AliceBobCamera);
        Assert.Equal(1, aliceCamera.Int("unreadCount"));
        Assert.Equal("When can I pick it up?", aliceCamera.Str("lastMessage"));
        Assert.Equal("Vintage Camera", aliceCamera.Str("productTitle"));
        Assert.Equal(2, (await Bob.ListedConversation(AliceBobCamera)).Int("unreadCount"));
        Assert.Equal([true, true, true, false, false, false], (await Bob.History(AliceBobCamera)).Items().Select(message => message.Bool("read")));
        Assert.Equal("Yes! <b>mint</b> condition 📷", (await Alice.History(AliceBobCamera)).Items()[1].Str("text"));

        var carolView = await Carol.ListedConversation(CarolAlice);
        Assert.True(carolView.Bool("isBlocked"));
        Assert.True(carolView.Bool("blockedByMe"));
        Assert.Equal(1, carolView.Int("unreadCount"));
        Assert.Equal(2, (await Alice.ListedConversation(CarolAlice)).Int("unreadCount"));
        Assert.False((await Alice.ListedConversation(CarolAlice)).Bool("blockedByMe"));

        var daveView = await Dave.ListedConversation(DaveBobBike);
        Assert.True(daveView.Bool("isBlocked"));
        Assert.False(daveView.Bool("blockedByMe"));
        Assert.True((await Bob.ListedConversation(DaveBobBike)).Bool("blockedByMe"));

        Assert.False((await Bob.ListedConversation(AliceBobBike)).Bool("isBlocked"));
        Assert.Equal(
            [AliceBobBike, DaveBobBike, AliceBobCamera],
            (await Bob.ConversationsOk()).Items().Select(view => view.Id()));
        Assert.Equal(
            [AliceBobBike, CarolAlice, AliceBobCamera],
            (await Alice.ConversationsOk()).Items().Select(view => view.Id()));
    }

    /// <summary>The restored state keeps working: blocks still hold, sends and reads count from where they were.</summary>
    public async Task AssertItKeepsWorking()
    {
        await (await Carol.Send(new { conversationId = CarolAlice, text = "again" })).ExpectProblem(HttpStatusCode.Forbidden);
        await (await Alice.Send(new { conversationId = CarolAlice, text = "again" })).ExpectProblem(HttpStatusCode.Forbidden);
        await (await Dave.Send(new { conversationId = DaveBobBike, text = "again" })).ExpectProblem(HttpStatusCode.Forbidden);
        await (await Bob.Send(new { conversationId = DaveBobBike, text = "again" })).ExpectProblem(HttpStatusCode.Forbidden);

        var more = await Alice.SendTo(Bob, "Still there?", Camera);
        Assert.Equal(AliceBobCamera, more.Guid("conversationId"));
        Assert.Equal(3, (await Bob.ListedConversation(AliceBobCamera)).Int("unreadCount"));
        var unread = (await Bob.History(AliceBobCamera)).Items().Where(message => message.Guid("recipientId") == Bob.Id && !message.Bool("read")).Select(message => message.Id()).ToArray();
        Assert.Equal(3, await Bob.MarkReadOk(unread));
        Assert.Equal(0, (await Bob.ListedConversation(AliceBobCamera)).Int("unreadCount"));
        Assert.Equal(0, await Bob.MarkReadOk(unread));

        await Alice.Reply(AliceBobBike, "unblocked before the restart");
        await Bob.BlockOk(DaveBobBike, false);
        await Dave.Reply(DaveBobBike, "thanks for unblocking");
        Assert.Equal(
            [DaveBobBike, AliceBobBike, AliceBobCamera],
            (await Bob.ConversationsOk()).Items().Select(view => view.Id()));
    }
}
