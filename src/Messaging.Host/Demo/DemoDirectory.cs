using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Host.Directory;

namespace Messaging.Host.Demo;

public sealed record DemoUser(Guid Id, string Name, string Email);

public sealed record DemoProduct(Guid Id, string Title, string? ImageUrl);

/// <summary>The small development directory that the <c>seed</c> verb and the demo page share: three users, two products.</summary>
public static class DemoDirectory
{
    public static readonly DemoUser[] Users =
    [
        new(Guid.Parse("00000000-0000-4000-8000-00000000a11c"), "Alice Buyer", "alice@example.com"),
        new(Guid.Parse("00000000-0000-4000-8000-000000000b0b"), "Bob Seller", "bob@example.com"),
        new(Guid.Parse("00000000-0000-4000-8000-00000000ca01"), "Carol Buyer", "carol@example.com"),
    ];

    public static readonly DemoProduct[] Products =
    [
        new(Guid.Parse("00000000-0000-4000-8000-0000000000c1"), "Vintage Camera", "https://images.example.com/vintage-camera.jpg"),
        new(Guid.Parse("00000000-0000-4000-8000-0000000000c2"), "Road Bike", null),
    ];

    /// <summary>Writes the demo users and products into the directory; running it again changes nothing.</summary>
    public static async Task Seed(SqlDirectory directory, CancellationToken cancellationToken)
    {
        foreach (var user in Users)
            await directory.UpsertUser(new UserProfile(new UserId(user.Id), user.Name, user.Email), cancellationToken);
        foreach (var product in Products)
            await directory.UpsertProduct(new ProductInfo(new ProductId(product.Id), product.Title, product.ImageUrl), cancellationToken);
    }
}
