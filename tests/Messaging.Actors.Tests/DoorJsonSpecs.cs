using System.Text.Json;
using Messaging.Actors.Doors;

namespace Messaging.Actors.Tests;

/// <summary>The JSON every door reads: a body that names a field twice is refused, never read as its last value.</summary>
public sealed class DoorJsonSpecs
{
    private static SendMessageRequest? Read(string json) => JsonSerializer.Deserialize<SendMessageRequest>(json, DoorJson.Options);

    [Fact]
    public void A_field_named_twice_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => Read("""{"text":"a","text":"b"}"""));
    }

    [Fact]
    public void A_field_named_twice_in_different_case_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => Read("""{"text":"a","Text":"b"}"""));
    }

    [Fact]
    public void A_field_in_another_case_alone_is_still_read()
    {
        Assert.Equal("a", Read("""{"Text":"a"}""")?.Text);
    }
}
