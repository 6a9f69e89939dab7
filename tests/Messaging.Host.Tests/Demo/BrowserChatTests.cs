using Messaging.Host.Auth;
using Messaging.Host.Demo;
using Messaging.Host.Tests.Realtime;

namespace Messaging.Host.Tests.Demo;

/// <summary>
/// A buyer and a seller on the demo page in headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by
/// <c>playwright-core</c> from <c>tests/stomp-client/browser-chat.mjs</c>; <c>./test.sh</c> installs both), over a raw
/// WebSocket and forced onto SockJS transports. Screenshots of both sides of every run are kept in
/// <c>browser-screenshots/</c> of the test output folder (<c>bin/Debug/net10.0/</c>): <c>{transport}-buyer.png</c>,
/// <c>{transport}-seller.png</c>, <c>{transport}-buyer-typing.png</c>, <c>block-raw-*.png</c>, and <c>*-failure.png</c> when a run fails.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class BrowserChatTests(DemoHostFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);

    private static readonly string ScreenshotFolder = Path.Combine(AppContext.BaseDirectory, "browser-screenshots");

    [Theory]
    [InlineData("raw", "WebSocket")]
    [InlineData("xhr-streaming", "SockJS xhr-streaming")]
    [InlineData("xhr-polling", "SockJS xhr-polling")]
    public async Task The_seller_sees_the_buyers_message_live_and_the_buyer_sees_the_receipt_and_the_typing(string transport, string connection)
    {
        var summary = await RunScenario("chat", transport);

        Assert.Equal($"connected ({connection})", summary.GetProperty("status").Str("alice"));
        Assert.Equal($"connected ({connection})", summary.GetProperty("status").Str("bob"));
        Assert.Empty(summary.GetProperty("pageErrors").Items());
        // The seller's list showed the question unread, and opening it cleared the badge.
        Assert.True(int.Parse(summary.Str("sellerBadgeBeforeOpening")!) >= 1, $"badge: {summary.GetProperty("sellerBadgeBeforeOpening")}");
        Assert.Equal(0, summary.Int("sellerBadgeAfterOpening"));
        Assert.Equal("✓✓ read", summary.Str("buyerReceipt"));
        Assert.Equal("Bob Seller is typing…", summary.Str("buyerTyping"));
        // Both pages show the three messages of this run in order, and neither ever reloaded.
        var texts = summary.GetProperty("texts");
        string[] thisRun = [texts.Str("question")!, texts.Str("answer")!, texts.Str("thanks")!];
        foreach (var side in new[] { "buyer", "seller" })
        {
            Assert.Equal(thisRun, summary.GetProperty("seen").GetProperty(side).Items().Select(text => text.GetString()).TakeLast(3));
            Assert.False(summary.GetProperty("reloaded").Bool(side));
            Assert.True(File.Exists(Path.Combine(ScreenshotFolder, $"{transport}-{side}.png")));
        }
        // What the REST API holds agrees with what the pages showed.
        var history = await (await fixture.Host.ClientWithToken(DemoToken(Demo("alice"))).GetAsync($"/api/messages?conversationId={summary.Str("conversationId")}"))
            .ExpectJson(HttpStatusCode.OK);
        Assert.Equal(thisRun, history.Texts().TakeLast(3));
        Assert.All(history.Items().TakeLast(3), message => Assert.True(message.Bool("read")));
    }

    [Fact]
    public async Task A_block_on_the_page_stops_both_sides_from_writing_until_it_is_lifted()
    {
        var (buyer, seller, bike) = (Demo("carol"), Demo("bob"), DemoDirectory.Products.Single(product => product.Title == "Road Bike"));
        await EnsureNotBlocked(buyer, seller, bike.Id);

        var summary = await RunScenario("block", "raw", "--buyer", "carol", "--product", bike.Title);

        var blocked = summary.GetProperty("blocked");
        Assert.Equal("Unblock", blocked.Str("sellerButton"));
        Assert.Equal("blocked by you", blocked.Str("sellerTag"));
        Assert.Equal("blocked", blocked.Str("buyerTag"));
        Assert.False(blocked.Bool("sellerCanWrite"));
        Assert.False(blocked.Bool("buyerCanWrite"));
        var unblocked = summary.GetProperty("unblocked");
        Assert.Equal("Block", unblocked.Str("sellerButton"));
        Assert.Equal(0, unblocked.Int("buyerTags"));
        Assert.True(unblocked.Bool("sellerCanWrite"));
        Assert.True(unblocked.Bool("buyerCanWrite"));
        var texts = summary.GetProperty("texts");
        Assert.Equal([texts.Str("question"), texts.Str("thanks")],
            summary.GetProperty("seen").GetProperty("seller").Items().Select(text => text.GetString()).TakeLast(2));
        var conversation = await (await fixture.Host.ClientWithToken(DemoToken(buyer)).GetAsync($"/api/conversations/{summary.Str("conversationId")}"))
            .ExpectJson(HttpStatusCode.OK);
        Assert.False(conversation.Bool("isBlocked"));
    }

    /// <summary>A run that failed while the conversation was blocked must not fail the next one before it starts.</summary>
    private async Task EnsureNotBlocked(DemoUser buyer, DemoUser seller, Guid productId)
    {
        var conversations = await (await fixture.Host.ClientWithToken(DemoToken(buyer)).GetAsync("/api/conversations")).ExpectJson(HttpStatusCode.OK);
        var existing = conversations.Items().SingleOrDefault(item => item.Guid("participantId") == seller.Id && item.GetProperty("productId").GetString() == productId.ToString());
        if (existing.ValueKind != JsonValueKind.Object)
            return;
        foreach (var side in new[] { buyer, seller })
        {
            var lift = await fixture.Host.ClientWithToken(DemoToken(side)).PostAsync($"/api/conversations/{existing.Id()}/block", Contract.Body(new { block = false }));
            await lift.ExpectJson(HttpStatusCode.OK);
        }
    }

    private async Task<JsonElement> RunScenario(string scenario, string transport, params string[] arguments)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (./test.sh does it)");
        System.IO.Directory.CreateDirectory(ScreenshotFolder);
        // A failure screenshot left by an earlier run would mislead whoever looks at this one's.
        var runName = scenario == "chat" ? transport : $"{scenario}-{transport}";
        foreach (var earlier in System.IO.Directory.GetFiles(ScreenshotFolder, $"{runName}-*.png"))
            File.Delete(earlier);
        return await NodeScripts.RunToSuccess(ScriptTimeout, "browser-chat.mjs",
        [
            "--scenario", scenario, "--base-url", fixture.Host.BaseAddress.ToString().TrimEnd('/'), "--chromium", Chromium,
            "--transport", transport, "--screenshots", ScreenshotFolder, .. arguments,
        ]);
    }

    private static DemoUser Demo(string firstName) =>
        DemoDirectory.Users.Single(user => user.Name.StartsWith(firstName, StringComparison.OrdinalIgnoreCase));

    private string DemoToken(DemoUser user) => DevelopmentTokens.Issue(fixture.Host.Jwt, user.Id);
}
