namespace Messaging.Actors.Doors;

/// <summary>The way a request came in.</summary>
public enum Door
{
    Rest,
    Stomp,
}
