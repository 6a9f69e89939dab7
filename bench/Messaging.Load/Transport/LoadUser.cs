namespace Messaging.Load.Transport;

/// <summary>A user the generator plays, with the token it connects with.</summary>
public sealed record LoadUser(Guid Id, string Name, string Token)
{
    public static IReadOnlyList<LoadUser> Create(int count, TokenMinter tokens, string role) =>
        Enumerable.Range(0, count).Select(index =>
        {
            var id = Guid.NewGuid();
            var name = $"Load {role} {index}";
            return new LoadUser(id, name, tokens.Issue(id, name));
        }).ToArray();
}
