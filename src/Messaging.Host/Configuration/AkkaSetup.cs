using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Messaging.Actors;
using Messaging.Actors.Conversations;
using Messaging.Actors.Inbox;
using Messaging.Actors.Serialization;

namespace Messaging.Host.Configuration;

public static class AkkaSetup
{
    public const string SystemName = "messaging";

    /// <summary>The actor system of a node: a cluster (self-joined when no seeds are named), the SQL journal, both shard regions.</summary>
    public static IServiceCollection AddMessagingActors(this IServiceCollection services, IConfiguration configuration, StoreOptions store, MessagingSettings settings)
    {
        var cluster = configuration.GetSection("Cluster").Get<ClusterSettings>() ?? new ClusterSettings();
        return services.AddAkka(SystemName, (builder, provider) =>
        {
            builder
                // Akka's log events go to Microsoft.Extensions.Logging (category Akka.Actor.ActorSystem), at the level it keeps for them.
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = LevelFor(provider.GetRequiredService<ILoggerFactory>().CreateLogger<ActorSystem>());
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                // Operator overrides in the "akka" configuration section (e.g. akka__loglevel) win over everything below.
                .AddHocon(AkkaOverrides(configuration), HoconAddMode.Prepend)
                .AddHocon(PersistenceHocon(store), HoconAddMode.Append)
                .AddHoconFile(Path.Combine(AppContext.BaseDirectory, "messaging.hocon"), HoconAddMode.Append)
                .WithRemoting(new RemoteOptions { HostName = cluster.Hostname, Port = cluster.Port, PublicHostName = cluster.PublicHostname })
                .WithClustering(new ClusterOptions { SeedNodes = cluster.SeedNodeList.Length > 0 ? cluster.SeedNodeList : null })
                .WithDistributedPubSub(role: null!)
                .AddMessagingSerializer()
                .AddUserInboxActors(settings)
                .AddConversationActors(settings);
            if (cluster.SeedNodeList.Length == 0)
                builder.AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress));
        });
    }

    /// <summary>
    /// The most detailed Akka level <paramref name="logger"/> lets through, so Akka does not build events the filters of
    /// <c>Logging:LogLevel</c> (<c>Default</c>, <c>Akka</c>…) would drop, and <c>Logging__LogLevel__Akka=Debug</c> turns its debug on.
    /// </summary>
    public static Akka.Event.LogLevel LevelFor(ILogger logger) =>
        logger.IsEnabled(LogLevel.Debug) ? Akka.Event.LogLevel.DebugLevel
        : logger.IsEnabled(LogLevel.Information) ? Akka.Event.LogLevel.InfoLevel
        : logger.IsEnabled(LogLevel.Warning) ? Akka.Event.LogLevel.WarningLevel
        : Akka.Event.LogLevel.ErrorLevel;

    /// <summary>
    /// The settings under <c>akka</c> (<c>akka__loglevel=DEBUG</c>, <c>akka:cluster:sharding:handoff-timeout=10s</c>) as HOCON
    /// text. Not through Akka.Hosting's IConfiguration adapter: it turns a missing section, or an <c>akka</c> key with a
    /// value of its own, into <c>akka = null</c>, which hides every other Akka setting (the SQL journal silently became
    /// the in-memory one), and the nested objects it builds make HOCON merging throw.
    /// </summary>
    public static string AkkaOverrides(IConfiguration configuration)
    {
        var scalars = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var arrays = new SortedDictionary<string, SortedDictionary<int, string>>(StringComparer.Ordinal);
        foreach (var (key, value) in configuration.GetSection("akka").AsEnumerable())
        {
            if (value is null || !key.Contains(':'))
                continue;
            // Same key and value conventions as Akka.Hosting: lower case, '_' for '-', True/False for on/off.
            var path = key.ToLowerInvariant().Replace('_', '-').Split(':');
            var hocon = value switch { "True" => "on", "False" => "off", _ => value };
            if (path.Length > 2 && int.TryParse(path[^1], out var index))
            {
                var array = string.Join('.', path[..^1].Select(Quote));
                if (!arrays.TryGetValue(array, out var items))
                    arrays[array] = items = new SortedDictionary<int, string>();
                items[index] = hocon;
            }
            else
                scalars[string.Join('.', path.Select(Quote))] = hocon;
        }
        return string.Join('\n', scalars.Select(setting => $"{setting.Key} = {Quote(setting.Value)}")
            .Concat(arrays.Select(array => $"{array.Key} = [{string.Join(", ", array.Value.Values.Select(Quote))}]")));
    }

    /// <summary>Akka.Persistence.Sql journal and snapshot store on the configured database; both create their tables.</summary>
    public static string PersistenceHocon(StoreOptions store)
    {
        var connection = Quote(store.WithPoolOf(store.JournalConnections));
        var provider = Quote(store.ProviderName);
        return $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = on
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = on
                }
              }
            }
            """;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
