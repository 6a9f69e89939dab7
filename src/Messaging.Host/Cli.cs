using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Host.Auth;
using Messaging.Host.Configuration;
using Messaging.Host.Directory;
using Microsoft.Extensions.Caching.Memory;

namespace Messaging.Host;

/// <summary>Verbs for a newcomer: <c>token &lt;userId&gt;</c> prints a bearer token, <c>seed</c> fills a small demo directory.</summary>
public static class Cli
{
    public static readonly (Guid Id, string Name, string Email)[] DemoUsers =
    [
        (Guid.Parse("00000000-0000-4000-8000-00000000a11c"), "Alice Buyer", "alice@example.com"),
        (Guid.Parse("00000000-0000-4000-8000-000000000b0b"), "Bob Seller", "bob@example.com"),
        (Guid.Parse("00000000-0000-4000-8000-00000000ca01"), "Carol Buyer", "carol@example.com"),
    ];

    public static readonly (Guid Id, string Title, string? Image)[] DemoProducts =
    [
        (Guid.Parse("00000000-0000-4000-8000-0000000000c1"), "Vintage Camera", "https://images.example.com/vintage-camera.jpg"),
        (Guid.Parse("00000000-0000-4000-8000-0000000000c2"), "Road Bike", null),
    ];

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
        var directory = new SqlDirectory(dataSource, store.Kind, new MemoryCache(new MemoryCacheOptions()));
        await directory.EnsureSchema(CancellationToken.None);
        var jwt = JwtSettings.From(builder.Configuration, builder.Environment);
        Console.WriteLine($"Seeded the {store.Kind} directory:");
        foreach (var (id, name, email) in DemoUsers)
        {
            await directory.UpsertUser(new UserProfile(new UserId(id), name, email), CancellationToken.None);
            Console.WriteLine($"  user    {id}  {name} <{email}>");
            Console.WriteLine($"          token: {DevelopmentTokens.Issue(jwt, id)}");
        }
        foreach (var (id, title, image) in DemoProducts)
        {
            await directory.UpsertProduct(new ProductInfo(new ProductId(id), title, image), CancellationToken.None);
            Console.WriteLine($"  product {id}  {title}");
        }
    }
}
