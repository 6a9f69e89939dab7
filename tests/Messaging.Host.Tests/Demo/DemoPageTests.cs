using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Host.Demo;

namespace Messaging.Host.Tests.Demo;

/// <summary>With <c>Demo:Enabled</c> the host serves the demo chat page, tokens for the demo users and the demo products.</summary>
[Collection(DemoCollection.Name)]
public sealed class DemoPageTests(DemoHostFixture fixture)
{
    private MessagingHost Host => fixture.Host;

    private HttpClient Anonymous() => Host.ClientWithAuthorization(null);

    [Theory]
    [InlineData("/demo")]
    [InlineData("/demo/")]
    public async Task The_page_is_served_as_html(string path)
    {
        using var response = await Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Messaging demo</title>", html);
        Assert.Contains("/demo/vendor/stompjs/stomp.umd.min.js", html);
        Assert.Contains("/demo/vendor/sockjs-client/sockjs.min.js", html);
    }

    [Theory]
    [InlineData("/demo/demo.js", "text/javascript", "new StompJs.Client")]
    [InlineData("/demo/demo.css", "text/css", "#conversations")]
    [InlineData("/demo/vendor/stompjs/stomp.umd.min.js", "text/javascript", "StompJs")]
    [InlineData("/demo/vendor/sockjs-client/sockjs.min.js", "text/javascript", "sockjs-client v1.6.1")]
    public async Task The_scripts_and_styles_are_served_from_the_host(string path, string contentType, string content)
    {
        using var response = await Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/demo/missing.js")]
    [InlineData("/demo/..%2F..%2Fappsettings.json")]
    [InlineData("/demo/vendor")]
    public async Task Anything_else_under_demo_is_not_found(string path)
    {
        using var response = await Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Demo_users_come_with_a_token_each_that_the_API_accepts_as_them()
    {
        var users = (await (await Anonymous().GetAsync("/demo/users")).ExpectJson(HttpStatusCode.OK)).Items();

        Assert.Equal(DemoDirectory.Users.Select(user => (user.Id, user.Name, user.Email)),
            users.Select(user => (user.Id(), user.Str("name")!, user.Str("email")!)));
        foreach (var user in users)
        {
            using var response = await Host.ClientWithToken(user.Str("token")!).GetAsync("/api/conversations");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Demo_products_are_listed()
    {
        var products = (await (await Anonymous().GetAsync("/demo/products")).ExpectJson(HttpStatusCode.OK)).Items();

        Assert.Equal(DemoDirectory.Products.Select(product => (product.Id, product.Title, product.ImageUrl)),
            products.Select(product => (product.Id(), product.Str("title")!, product.Str("imageUrl"))));
    }

    [Fact]
    public async Task The_host_seeds_the_demo_users_and_products_into_the_directory_as_it_starts()
    {
        foreach (var user in DemoDirectory.Users)
            Assert.Equal(new UserProfile(new UserId(user.Id), user.Name, user.Email), await Host.Directory.FindUser(new UserId(user.Id), CancellationToken.None));
        foreach (var product in DemoDirectory.Products)
            Assert.Equal(new ProductInfo(new ProductId(product.Id), product.Title, product.ImageUrl), await Host.Directory.FindProduct(new ProductId(product.Id), CancellationToken.None));
    }
}
