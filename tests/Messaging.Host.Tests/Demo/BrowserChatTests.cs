using Messaging.Host.Auth;
using Messaging.Host.Demo;
using Messaging.Host.Tests.Realtime;

namespace Messaging.Host.Tests.Demo;

/// <summary>
/// A buyer and a seller on the demo page in headless Chromium (Debian's <c>/usr/bin/chromium</c>, driven by
/// <c>playwright-core</c> from <c>tests/stomp-client/browser-chat.mjs</c>; <c>./test.sh</c> installs both), over a raw
/// WebSocket and forced onto SockJS transports. Screenshots of both sides of every run are kept in
/// <c>browser-screenshots/</c> of the test output folder (<c>bin/Debug/net10.0/</c>).
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class BrowserChatTests(DemoHostFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);

    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "browser-screenshots");

    [Theory]
    [InlineData("raw", "WebSocket")]
    [InlineData("xhr-streaming", "SockJS xhr-streaming")]
    [InlineData("xhr-polling", "SockJS xhr-polling")]
    public async Task The_seller_sees_the_buyers_message_live_and_the_buyer_sees_the_receipt_and_the_typing(string transport, string connection)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (./test.sh does it)");
        System.IO.Directory.CreateDirectory(ScreenshotFolder);
        // A failure screenshot left by an earlier run would mislead whoever looks at this one's.
        foreach (var earlier in System.IO.Directory.GetFiles(ScreenshotFolder, $"{transport}-*.png"))
            File.Delete(earlier);

        var summary = await NodeScripts.RunToSuccess(ScriptTimeout, "browser-chat.mjs",
            "--base-url", fixture.Host.BaseAddress.ToString().TrimEnd('/'), "--chromium", Chromium, "--transport", transport, "--screenshots", ScreenshotFolder);

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
        var history = await (await fixture.Host.ClientWithToken(DemoToken("alice")).GetAsync($"/api/messages?conversationId={summary.Str("conversationId")}"))
            .ExpectJson(HttpStatusCode.OK);
        Assert.Equal(thisRun, history.Texts().TakeLast(3));
        Assert.All(history.Items().TakeLast(3), message => Assert.True(message.Bool("read")));
    }

    private string DemoToken(string firstName) =>
        DevelopmentTokens.Issue(fixture.Host.Jwt, DemoDirectory.Users.Single(user => user.Name.StartsWith(firstName, StringComparison.OrdinalIgnoreCase)).Id);
}
