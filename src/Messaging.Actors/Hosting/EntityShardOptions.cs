using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;

namespace Messaging.Actors.Hosting;

internal static class EntityShardOptions
{
    /// <summary>
    /// Entities passivate themselves (<see cref="EntityActor"/>), so sharding's own idle timer is off; a hand-off stops
    /// them the way passivation does, so an inbox saves its in-memory summaries before it moves to another node.
    /// </summary>
    public static ShardOptions Create() => new()
    {
        HandOffStopMessage = StopEntity.Instance,
        StateStoreMode = StateStoreMode.DData,
        RememberEntities = false,
        ShouldPassivateIdleEntities = false,
    };
}
