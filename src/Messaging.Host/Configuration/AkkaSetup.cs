using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Persistence.Sql.Journal;
using Akka.Remote.Hosting;
using Messaging.Actors;
using Messaging.Actors.Conversations;
using Messaging.Actors.Hosting;
using Messaging.Actors.Inbox;
using Messaging.Actors.Stomp;
using Messaging.Actors.Serialization;
using Messaging.Host.Journal;

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
                // Akka's log events go to Microsoft.Extensions.Logging under the category of the class that logged them.
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = LevelFor(provider.GetRequiredService<ILoggerFactory>(), configuration.GetSection("Logging"));
                    loggers.ClearLoggers();
                    loggers.AddLogger<MicrosoftLoggingAdapter>();
                })
                // Operator overrides in the "akka" configuration section (e.g. akka__loglevel) win over everything below.
                .AddHocon(AkkaOverrides(configuration), HoconAddMode.Prepend)
                .AddHocon(PersistenceHocon(store), HoconAddMode.Append)
                .AddHocon(CompactMailbox.Hocon, HoconAddMode.Append)
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
    /// The most detailed Akka level any category of Akka's events lets through, so Akka does not build events the filters
    /// of <c>Logging:LogLevel</c> would drop, and <c>Logging__LogLevel__Akka=Debug</c> or
    /// <c>Logging__LogLevel__Messaging.Actors=Debug</c> turns the debug lines of those classes on. The classes that log
    /// through Akka are Akka's (<c>Akka.*</c>) and ours (<c>Messaging.*</c>): the level is the most detailed of those two
    /// roots and of every category configured under them (<paramref name="logging"/> is the <c>Logging</c> section, any provider's).
    /// </summary>
    public static Akka.Event.LogLevel LevelFor(ILoggerFactory loggers, IConfiguration logging)
    {
        string[] roots = ["Akka", "Messaging"];
        var configured = logging.AsEnumerable(makePathsRelative: true)
            .Select(setting => setting.Key.Split(':'))
            .Where(path => path.Length >= 2 && path[^2].Equals("LogLevel", StringComparison.OrdinalIgnoreCase))
            .Select(path => path[^1])
            .Where(category => roots.Any(root => category.StartsWith(root + ".", StringComparison.OrdinalIgnoreCase)));
        var categories = roots.Concat(configured).Select(loggers.CreateLogger).ToList();
        return categories.Any(logger => logger.IsEnabled(LogLevel.Debug)) ? Akka.Event.LogLevel.DebugLevel
            : categories.Any(logger => logger.IsEnabled(LogLevel.Information)) ? Akka.Event.LogLevel.InfoLevel
            : categories.Any(logger => logger.IsEnabled(LogLevel.Warning)) ? Akka.Event.LogLevel.WarningLevel
            : Akka.Event.LogLevel.ErrorLevel;
    }

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

    /// <summary>
    /// Akka.Persistence.Sql journal and snapshot store on the configured database; both create their tables. On
    /// PostgreSQL the journal writes its rows itself (<see cref="PostgresWriteJournal"/>), the same rows. Conversation
    /// events are tagged (<see cref="ConversationEventTagger"/>) with the tags in the journal row itself (<c>Csv</c>): one
    /// INSERT per batch as without tags, where the tag table would add a row-by-row insert of each tagged event. The read
    /// journal (<c>akka.persistence.query.journal.sql</c>) reads them back the same way, for projections.
    /// </summary>
    public static string PersistenceHocon(StoreOptions store)
    {
        var connection = Quote(store.WithPoolOf(store.JournalConnections));
        var provider = Quote(store.ProviderName);
        var tagger = Quote(HoconTypeName.Of(typeof(ConversationEventTagger)));
        var tagged = Quote(HoconTypeName.Of(typeof(IConversationEvent)));
        var journal = Quote(HoconTypeName.Of(store.Kind == StoreKind.Postgres ? typeof(PostgresWriteJournal) : typeof(SqlWriteJournal)));
        return $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = {{journal}}
                  connection-string = {{connection}}
                  provider-name = {{provider}}
                  auto-initialize = on
                  tag-write-mode = Csv
                  event-adapters.conversation-tagger = {{tagger}}
                  event-adapter-bindings { {{tagged}} = conversation-tagger }
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                connection-string = {{connection}}
                provider-name = {{provider}}
                tag-read-mode = Csv
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
