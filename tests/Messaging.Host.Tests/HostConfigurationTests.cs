using Akka.Actor;
using Akka.Configuration;
using Messaging.Actors.Hosting;
using Messaging.Host.Configuration;
using Messaging.Host.Journal;
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
        await using var host = await MessagingHost.StartPostgres();

        var config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;

        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal("PostgreSQL.15", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal(HoconTypeName.Of(typeof(PostgresWriteJournal)), config.GetString("akka.persistence.journal.sql.class"));
        Assert.Equal(TimeSpan.FromSeconds(30), config.GetTimeSpan("akka.cluster.sharding.handoff-timeout")); // from messaging.hocon
        Assert.Equal(1, config.GetInt("akka.persistence.journal.sql.parallelism")); // from messaging.hocon
        Assert.Contains("Maximum Pool Size=16", config.GetString("akka.persistence.journal.sql.connection-string"));
    }

    [Fact]
    public void The_default_budget_of_24_connections_gives_the_journal_16_and_the_directory_8()
    {
        var store = new StoreOptions(StoreKind.Postgres, "Host=db;Username=u;Password=p;Database=m");

        Assert.Equal("Host=db;Username=u;Password=p;Database=m;Maximum Pool Size=16", store.WithPoolOf(store.JournalConnections), ignoreCase: true);
        Assert.Equal("Host=db;Username=u;Password=p;Database=m;Maximum Pool Size=8", store.WithPoolOf(store.DirectoryConnections), ignoreCase: true);
    }

    [Fact]
    public void Messaging_StoreConnections_is_the_whole_processs_budget_split_two_thirds_journal_one_third_directory()
    {
        var store = StoreFrom(new() { ["Messaging:StoreConnections"] = "30" });

        Assert.Equal(30, store.Connections);
        Assert.Equal(20, store.JournalConnections);
        Assert.Equal(10, store.DirectoryConnections);
    }

    [Fact]
    public void The_smallest_budget_leaves_one_connection_to_each()
    {
        var store = StoreFrom(new() { ["Messaging:StoreConnections"] = "2" });

        Assert.Equal((1, 1), (store.JournalConnections, store.DirectoryConnections));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("many")]
    public void A_budget_below_two_connections_or_not_a_number_is_refused_at_startup(string budget)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StoreFrom(new() { ["Messaging:StoreConnections"] = budget }));

        Assert.Contains("Messaging:StoreConnections", error.Message);
    }

    [Theory]
    [InlineData("Host=db;Database=m;Maximum Pool Size=50")]
    [InlineData("Host=db;Database=m;max pool size=50")]
    public void A_connection_string_naming_its_own_pool_size_is_refused_so_the_budget_holds(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StoreFrom(new() { ["ConnectionStrings:Messaging"] = connectionString }));

        Assert.Contains("Messaging:StoreConnections", error.Message);
    }

    [Fact]
    public void A_sqlite_connection_string_is_used_as_it_is()
    {
        var store = new StoreOptions(StoreKind.Sqlite, "Data Source=./data/messaging.db");

        Assert.Equal("Data Source=./data/messaging.db", store.WithPoolOf(store.JournalConnections));
    }

    private static StoreOptions StoreFrom(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Messaging:Store"] = "postgres", ["ConnectionStrings:Messaging"] = "Host=db;Database=m" })
            .AddInMemoryCollection(settings)
            .Build();
        return StoreOptions.From(configuration);
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
        Assert.Equal("Warning", config.GetString("akka.loglevel")); // from the tests' Logging:LogLevel:Default
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
