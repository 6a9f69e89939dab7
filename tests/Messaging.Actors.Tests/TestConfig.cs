using Akka.Configuration;

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

    public static Config Config => ConfigurationFactory.ParseString(Hocon);
}
