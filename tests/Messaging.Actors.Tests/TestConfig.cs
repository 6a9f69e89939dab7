using Akka.Configuration;
using Messaging.Actors.Stomp;

namespace Messaging.Actors.Tests;

/// <summary>
/// The actor system of the actor specs: in-memory journal and snapshot store, our serializer bound to the marker
/// interfaces as in production, and every message sent between actors serialized and deserialized, so a message
/// our serializer can not carry fails a test instead of a multi-node deployment.
/// </summary>
public static class TestConfig
{
    public const string Hocon = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          # A loaded 2-core CI machine can take seconds to run a fresh actor system's first persist: waits for what
          # must come are generous (they end as soon as it comes); waits for what must not come stay as each spec sets.
          test.single-expect-default = 10s
          actor {
            serialize-messages = on
            serializers {
              messaging = "Messaging.Actors.Serialization.MessagingSerializer, Messaging.Actors"
            }
            serialization-bindings {
              "Messaging.Actors.Conversations.IWithConversationId, Messaging.Actors" = messaging
              "Messaging.Actors.Inbox.IWithUserId, Messaging.Actors" = messaging
              "Messaging.Actors.Conversations.IMessagingReply, Messaging.Actors" = messaging
            }
          }
          persistence {
            journal.plugin = "akka.persistence.journal.inmem"
            snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
          }
        }
        """;

    public static Config Config => ConfigurationFactory.ParseString(Hocon + "\n" + CompactMailbox.Hocon);
}
