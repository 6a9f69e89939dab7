using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;

namespace Messaging.Actors.Hosting;

internal static class EntityShardOptions
{
    /// <summary>Entities passivate themselves (<see cref="EntityActor"/>), so sharding's own idle timer is off.</summary>
    public static ShardOptions Create() => new()
    {
        StateStoreMode = StateStoreMode.DData,
        RememberEntities = false,
        ShouldPassivateIdleEntities = false,
    };
}
