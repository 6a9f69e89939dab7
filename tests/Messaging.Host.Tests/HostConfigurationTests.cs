using Akka.Actor;
using Akka.Configuration;
using Messaging.Host.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.Host.Tests;

/// <summary>
/// The node's Akka configuration as an operator sets it: the SQL journal on the configured store, the service's
/// messaging.hocon, and overrides from the <c>akka</c> configuration section on top.
/// </summary>
public sealed class HostConfigurationTests
{
    [Fact]
    public async Task Without_akka_overrides_the_journal_and_snapshot_store_are_the_sql_ones_and_messaging_hocon_applies()
    {
        await using var host = await MessagingHost.StartPostgres(new Dictionary<string, string?> { ["akka:loglevel"] = null });

        var config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;

        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal(TimeSpan.FromSeconds(30), config.GetTimeSpan("akka.cluster.sharding.handoff-timeout")); // from messaging.hocon
        Assert.Equal(1, config.GetInt("akka.persistence.journal.sql.parallelism")); // from messaging.hocon
        Assert.Contains("Maximum Pool Size=16", config.GetString("akka.persistence.journal.sql.connection-string"));
    }

    [Fact]
    public void A_postgres_connection_string_without_a_pool_size_gets_the_nodes_budget_for_each_pool()
    {
        var store = new StoreOptions(StoreKind.Postgres, "Host=db;Username=u;Password=p;Database=m");

        Assert.Equal("Host=db;Username=u;Password=p;Database=m;Maximum Pool Size=16", store.WithPoolOf(StoreOptions.JournalConnections), ignoreCase: true);
        Assert.Equal("Host=db;Username=u;Password=p;Database=m;Maximum Pool Size=8", store.WithPoolOf(StoreOptions.DirectoryConnections), ignoreCase: true);
    }

    [Theory]
    [InlineData("Host=db;Database=m;Maximum Pool Size=50")]
    [InlineData("Host=db;Database=m;max pool size=50")]
    public void A_pool_size_the_operator_names_is_kept(string connectionString)
    {
        Assert.Equal(connectionString, new StoreOptions(StoreKind.Postgres, connectionString).WithPoolOf(StoreOptions.JournalConnections));
    }

    [Fact]
    public void A_sqlite_connection_string_is_used_as_it_is()
    {
        Assert.Equal("Data Source=./data/messaging.db", new StoreOptions(StoreKind.Sqlite, "Data Source=./data/messaging.db").WithPoolOf(StoreOptions.JournalConnections));
    }

    [Fact]
    public async Task An_akka_setting_in_configuration_overrides_hocon_without_hiding_the_rest()
    {
        await using var host = await MessagingHost.StartPostgres(new Dictionary<string, string?>
        {
            ["akka:cluster:sharding:handoff-timeout"] = "12s",
        });

        var config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;

        Assert.Equal(TimeSpan.FromSeconds(12), config.GetTimeSpan("akka.cluster.sharding.handoff-timeout"));
        Assert.Equal("WARNING", config.GetString("akka.loglevel")); // the tests' own override
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
    }

    [Fact]
    public void Akka_overrides_keep_values_arrays_and_booleans_and_follow_the_environment_variable_conventions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["akka:loglevel"] = "DEBUG",
            ["akka:cluster:roles:0"] = "api",
            ["akka:cluster:roles:1"] = "worker",
            ["akka:actor:debug:receive"] = "True",
            ["akka:Cluster:Sharding:Handoff_Timeout"] = "12s",
            ["akka:remote:dot-netty:tcp:hostname"] = "node \"one\"",
        }).Build();

        var hocon = ConfigurationFactory.ParseString(AkkaSetup.AkkaOverrides(configuration));

        Assert.Equal("DEBUG", hocon.GetString("akka.loglevel"));
        Assert.Equal(["api", "worker"], hocon.GetStringList("akka.cluster.roles"));
        Assert.True(hocon.GetBoolean("akka.actor.debug.receive"));
        Assert.Equal(TimeSpan.FromSeconds(12), hocon.GetTimeSpan("akka.cluster.sharding.handoff-timeout"));
        Assert.Equal("node \"one\"", hocon.GetString("akka.remote.dot-netty.tcp.hostname"));
    }

    [Fact]
    public void Without_an_akka_section_there_are_no_overrides()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["akka"] = "" }).Build();

        Assert.Equal("", AkkaSetup.AkkaOverrides(configuration));
    }
}
