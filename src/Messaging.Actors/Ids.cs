using System.Text.Json;
using System.Text.Json.Serialization;

namespace Messaging.Actors;

/// <summary>An identifier that is one UUID; lets one JSON converter write every id as a plain string.</summary>
public interface IGuidId<TSelf> where TSelf : IGuidId<TSelf>
{
    Guid Value { get; }
    static abstract TSelf From(Guid value);
}

[JsonConverter(typeof(GuidIdJsonConverter<UserId>))]
public readonly record struct UserId(Guid Value) : IGuidId<UserId> { public static UserId From(Guid value) => new(value); public override string ToString() => Value.ToString(); }

[JsonConverter(typeof(GuidIdJsonConverter<ProductId>))]
public readonly record struct ProductId(Guid Value) : IGuidId<ProductId> { public static ProductId From(Guid value) => new(value); public override string ToString() => Value.ToString(); }

[JsonConverter(typeof(GuidIdJsonConverter<ConversationId>))]
public readonly record struct ConversationId(Guid Value) : IGuidId<ConversationId> { public static ConversationId From(Guid value) => new(value); public override string ToString() => Value.ToString(); }

[JsonConverter(typeof(GuidIdJsonConverter<MessageId>))]
public readonly record struct MessageId(Guid Value) : IGuidId<MessageId> { public static MessageId From(Guid value) => new(value); public override string ToString() => Value.ToString(); }

/// <summary>Writes an id as its UUID string, also as a dictionary key.</summary>
public sealed class GuidIdJsonConverter<T> : JsonConverter<T> where T : struct, IGuidId<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => T.From(reader.GetGuid());

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        T.From(Guid.Parse(reader.GetString()!));

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.Value.ToString());
}
