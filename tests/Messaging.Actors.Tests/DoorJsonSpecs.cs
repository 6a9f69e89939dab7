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

    [Theory]
    [InlineData("""{"text":1}""", "text must be a string")]
    [InlineData("""{"Text":{"a":1}}""", "text must be a string")]
    [InlineData("""{"clientMessageId":false}""", "clientMessageId must be a string")]
    [InlineData("""[]""", "the body must be a JSON object")]
    [InlineData("""null""", "the body must be a JSON object")]
    [InlineData("", "the body is empty; it must be a JSON object")]
    [InlineData("{\"text\":\"a\"", "the body is not valid JSON (line 1, byte 12)")]
    [InlineData("""{"text":"a","TEXT":"b"}""", "TEXT is given twice (field names match case-insensitively)")]
    [InlineData("""{"text":"\ud800"}""", "the body holds a string that is not valid Unicode text (a lone surrogate)")]
    public void A_body_that_is_no_send_request_is_refused_in_the_clients_terms(string json, string problem)
    {
        Assert.False(DoorJson.TryRead<SendMessageRequest>(System.Text.Encoding.UTF8.GetBytes(json), DoorJson.Options, out _, out var refusal));
        Assert.Equal(problem, refusal);
    }

    [Theory]
    [InlineData("""{"messageIds":"x"}""", "messageIds must be an array of strings")]
    [InlineData("""{"messageIds":["x",{}]}""", "messageIds[1] must be a string")]
    public void A_mark_read_body_names_the_field_or_the_element_of_the_wrong_type(string json, string problem)
    {
        Assert.False(DoorJson.TryRead<MarkReadRequest>(System.Text.Encoding.UTF8.GetBytes(json), DoorJson.Options, out _, out var refusal));
        Assert.Equal(problem, refusal);
    }

    [Fact]
    public void A_block_body_says_block_must_be_true_or_false()
    {
        Assert.False(DoorJson.TryRead<BlockRequest>("""{"block":"no"}"""u8, DoorJson.Options, out _, out var refusal));
        Assert.Equal("block must be true or false", refusal);
    }
}
