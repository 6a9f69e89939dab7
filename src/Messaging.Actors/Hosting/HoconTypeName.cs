namespace Messaging.Actors.Hosting;

public static class HoconTypeName
{
    /// <summary>
    /// A type as Akka's configuration names it (mailbox types, event adapters, bindings): full name and assembly's
    /// simple name, without version or key, so the text stays valid across builds.
    /// </summary>
    public static string Of(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
