namespace Messaging.Host.Tests.Infrastructure;

/// <summary>One host on the test PostgreSQL database, shared by every class of a collection.</summary>
public sealed class PostgresHostFixture : IAsyncLifetime
{
    private MessagingHost? _host;

    public MessagingHost Host => _host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync() => _host = await MessagingHost.StartPostgres();

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }
}

/// <summary>The endpoints' behaviour on PostgreSQL: sending, history, lists, read state, blocks.</summary>
[CollectionDefinition(Name)]
public sealed class EndpointsCollection : ICollectionFixture<PostgresHostFixture>
{
    public const string Name = "PostgreSQL host: endpoints";
}

/// <summary>Rules across endpoints on PostgreSQL (a host of its own, so it runs beside the other collection).</summary>
[CollectionDefinition(Name)]
public sealed class RulesCollection : ICollectionFixture<PostgresHostFixture>
{
    public const string Name = "PostgreSQL host: rules";
}
