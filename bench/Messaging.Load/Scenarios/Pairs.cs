namespace Messaging.Load.Scenarios;

/// <summary>Users chatting in pairs (2k with 2k+1, both sending), connected, with each pair's conversation open.</summary>
public sealed record Pairs(Marketplace Market, IReadOnlyList<SendRoute> Routes, IReadOnlyList<Guid> ConversationIds) : IAsyncDisposable
{
    public int Conversations => Market.Users.Count / 2;

    public ValueTask DisposeAsync() => Market.DisposeAsync();
}
