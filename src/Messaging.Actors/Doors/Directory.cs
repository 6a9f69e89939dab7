namespace Messaging.Actors.Doors;

public sealed record UserProfile(UserId Id, string Name, string Email);

public sealed record ProductInfo(ProductId Id, string Title, string? ImageUrl);

/// <summary>The marketplace's users and products, as the doors need them: read-only, may be cached.</summary>
public interface IDirectory
{
    Task<UserProfile?> FindUser(UserId id, CancellationToken cancellationToken);

    Task<ProductInfo?> FindProduct(ProductId id, CancellationToken cancellationToken);

    /// <summary>The users found among <paramref name="ids"/>, in one lookup (a list needs many names at once).</summary>
    Task<IReadOnlyDictionary<UserId, UserProfile>> FindUsers(IReadOnlyCollection<UserId> ids, CancellationToken cancellationToken);

    /// <summary>The products found among <paramref name="ids"/>, in one lookup.</summary>
    Task<IReadOnlyDictionary<ProductId, ProductInfo>> FindProducts(IReadOnlyCollection<ProductId> ids, CancellationToken cancellationToken);
}

/// <summary>The authenticated caller of a door: the token's UUID subject and its optional name and email claims.</summary>
public sealed record Caller(UserId Id, string? Name, string? Email);

/// <summary>Whether the store answers, as this node last saw it (the host pings it every second).</summary>
public interface IStoreHealth
{
    /// <summary>Why the store counts as unreachable, or null while it answers.</summary>
    string? Problem { get; }
}
