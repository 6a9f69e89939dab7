using System.Text;
using Messaging.Host.Realtime.SockJs;

namespace Messaging.Host.Tests.Realtime.SockJs;

/// <summary>The framing alone: what the server writes and how it reads what clients send.</summary>
public sealed class SockJsFramesTests
{
    private static ReadOnlyMemory<byte> Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void A_close_frame_carries_the_code_and_the_quoted_reason() =>
        Assert.Equal("c[3000,\"Go away!\"]", SockJsFrames.Close(SockJsClose.GoAway));

    [Fact]
    public void Messages_are_one_a_frame_of_json_strings_in_order() =>
        Assert.Equal("a[\"one\",\"two\"]", SockJsFrames.Messages([Utf8("one"), Utf8("two")]));

    [Fact]
    public void A_stomp_frame_keeps_its_new_lines_and_nul_as_json_escapes() =>
        Assert.Equal("a[\"SEND\\ndestination:/a\\n\\nbody\\u0000\"]", SockJsFrames.Messages([Utf8("SEND\ndestination:/a\n\nbody\0")]));

    [Theory]
    [InlineData("\"", "\\\"")]
    [InlineData("\\", "\\\\")]
    [InlineData("\t\r\b\f", "\\t\\r\\b\\f")]
    [InlineData("\u0001\u001f", "\\u0001\\u001f")]
    [InlineData("\u007f\u009f\u00ad", "\\u007f\\u009f\\u00ad")]
    [InlineData("\u200c\u200f\u2028\u2029\u202f\u2060\u206f", "\\u200c\\u200f\\u2028\\u2029\\u202f\\u2060\\u206f")]
    [InlineData("\ufeff\ufff0\uffff", "\\ufeff\\ufff0\\uffff")]
    [InlineData("📷", "\\ud83d\\udcf7")]
    public void Characters_browsers_mangle_are_lower_case_unicode_escapes(string text, string escaped) =>
        Assert.Equal($"\"{escaped}\"", SockJsFrames.Quote(text));

    [Theory]
    [InlineData("héllo wörld €")]
    [InlineData("שלום")]
    [InlineData("\u2027\u2030\u205f")]
    public void Other_characters_are_written_as_they_are(string text) =>
        Assert.Equal($"\"{text}\"", SockJsFrames.Quote(text));

    [Fact]
    public void An_array_of_strings_is_that_many_messages()
    {
        var messages = SockJsFrames.ParseMessages("[\"a\",\"\\u00e9\\n\",\"\"]"u8, allowSingle: false)!;

        Assert.Equal(["a", "é\n", ""], messages.Select(message => Encoding.UTF8.GetString(message)));
    }

    [Fact]
    public void A_single_string_is_one_message_only_where_allowed()
    {
        Assert.Equal("a", Encoding.UTF8.GetString(Assert.Single(SockJsFrames.ParseMessages("\"a\""u8, allowSingle: true)!)));
        Assert.Null(SockJsFrames.ParseMessages("\"a\""u8, allowSingle: false));
    }

    [Fact]
    public void An_empty_array_is_no_message() => Assert.Empty(SockJsFrames.ParseMessages("[]"u8, allowSingle: false)!);

    [Theory]
    [InlineData("[\"a")]
    [InlineData("[1]")]
    [InlineData("{\"a\":1}")]
    [InlineData("[\"a\"] [\"b\"]")]
    [InlineData("[\"a\",[\"b\"]]")]
    [InlineData("[\"\\ud800\"]")]
    [InlineData("")]
    public void Anything_else_is_broken_json(string json) => Assert.Null(SockJsFrames.ParseMessages(Encoding.UTF8.GetBytes(json), allowSingle: true));
}
