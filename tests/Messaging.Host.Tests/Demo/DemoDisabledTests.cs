namespace Messaging.Host.Tests.Demo;

/// <summary>Outside Development, and without <c>Demo:Enabled</c>, nothing of the demo is served (the test hosts run as "Testing").</summary>
[Collection(EndpointsCollection.Name)]
public sealed class DemoDisabledTests(PostgresHostFixture fixture)
{
    [Theory]
    [InlineData("/demo")]
    [InlineData("/demo/users")]
    [InlineData("/demo/products")]
    [InlineData("/demo/demo.js")]
    public async Task The_demo_is_not_found(string path)
    {
        using var response = await fixture.Host.ClientWithAuthorization(null).GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
