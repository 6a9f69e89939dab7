using Messaging.Host.Auth;
using Messaging.Host.Configuration;
using Messaging.Host.Demo;
using Messaging.Host.Directory;
using Microsoft.Extensions.Caching.Memory;

namespace Messaging.Host;

/// <summary>Verbs for a newcomer: <c>token &lt;userId&gt;</c> prints a bearer token, <c>seed</c> fills a small demo directory.</summary>
public static class Cli
{
    /// <summary>Runs a verb if <paramref name="args"/> names one; returns its exit code, or null to start the server.</summary>
    public static async Task<int?> TryRun(string[] args, WebApplicationBuilder builder)
    {
        switch (args)
        {
            case ["token", var user, ..]:
                if (!Guid.TryParse(user, out var userId))
                {
                    await Console.Error.WriteLineAsync("usage: token <userId (UUID)> [name] [email]");
                    return 2;
                }
                Console.WriteLine(DevelopmentTokens.Issue(JwtSettings.From(builder.Configuration, builder.Environment), userId,
                    args.ElementAtOrDefault(2), args.ElementAtOrDefault(3)));
                return 0;
            case ["token", ..]:
                await Console.Error.WriteLineAsync("usage: token <userId (UUID)> [name] [email]");
                return 2;
            case ["seed", ..]:
                await Seed(builder);
                return 0;
            default:
                return null;
        }
    }

    private static async Task Seed(WebApplicationBuilder builder)
    {
        var store = StoreOptions.From(builder.Configuration);
        Storage.PrepareSqliteFolder(store);
        await using var dataSource = SqlDirectory.CreateDataSource(store);
        using var directory = SqlDirectory.Create(dataSource, store, new MemoryCache(new MemoryCacheOptions()));
        await directory.EnsureSchema(CancellationToken.None);
        var jwt = JwtSettings.From(builder.Configuration, builder.Environment);
        await DemoDirectory.Seed(directory, CancellationToken.None);
        Console.WriteLine($"Seeded the {store.Kind} directory:");
        foreach (var user in DemoDirectory.Users)
        {
            Console.WriteLine($"  user    {user.Id}  {user.Name} <{user.Email}>");
            Console.WriteLine($"          token: {DevelopmentTokens.Issue(jwt, user.Id)}");
        }
        foreach (var product in DemoDirectory.Products)
            Console.WriteLine($"  product {product.Id}  {product.Title}");
    }
}
