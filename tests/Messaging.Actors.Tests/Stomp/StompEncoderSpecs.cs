using System.Text;
using Messaging.Actors.Stomp;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>How <see cref="StompEncoder"/> writes frames, byte for byte.</summary>
public sealed class StompEncoderSpecs
{
    private static string Text(byte[] wire) => Encoding.UTF8.GetString(wire);

    private static StompFrame Decoded(byte[] wire) => Assert.Single(new StompDecoder(new StompLimits()).Decode(wire));

    [Fact]
    public void Frame_is_command_headers_blank_line_and_null()
    {
        var frame = StompFrame.Create(StompCommand.Subscribe, ("id", "0"), ("destination", "/user/inbox"));

        Assert.Equal("SUBSCRIBE\nid:0\ndestination:/user/inbox\n\n\0", Text(StompEncoder.Encode(frame)));
    }

    [Theory]
    [InlineData(StompCommand.Connect, "CONNECT")]
    [InlineData(StompCommand.Stomp, "STOMP")]
    [InlineData(StompCommand.Connected, "CONNECTED")]
    [InlineData(StompCommand.Send, "SEND")]
    [InlineData(StompCommand.Subscribe, "SUBSCRIBE")]
    [InlineData(StompCommand.Unsubscribe, "UNSUBSCRIBE")]
    [InlineData(StompCommand.Ack, "ACK")]
    [InlineData(StompCommand.Nack, "NACK")]
    [InlineData(StompCommand.Begin, "BEGIN")]
    [InlineData(StompCommand.Commit, "COMMIT")]
    [InlineData(StompCommand.Abort, "ABORT")]
    [InlineData(StompCommand.Disconnect, "DISCONNECT")]
    [InlineData(StompCommand.Message, "MESSAGE")]
    [InlineData(StompCommand.Receipt, "RECEIPT")]
    [InlineData(StompCommand.Error, "ERROR")]
    public void Every_command_is_written_as_its_wire_name_and_reads_back(StompCommand command, string wireName)
    {
        var frame = StompFrame.Create(command, ("receipt", "r-1"));

        var wire = StompEncoder.Encode(frame);

        Assert.Equal($"{wireName}\nreceipt:r-1\n\n\0", Text(wire));
        Assert.Equal(frame, Decoded(wire));
    }

    [Fact]
    public void Text_body_is_utf8_with_a_content_length_in_bytes()
    {
        var frame = StompFrame.WithText(StompCommand.Message, "héllo", ("destination", "/q"));

        Assert.Equal("MESSAGE\ndestination:/q\ncontent-length:6\n\nhéllo\0", Text(StompEncoder.Encode(frame)));
    }

    [Fact]
    public void Empty_body_gets_no_content_length()
    {
        var frame = StompFrame.Create(StompCommand.Receipt, ("receipt-id", "7"));

        Assert.Equal("RECEIPT\nreceipt-id:7\n\n\0", Text(StompEncoder.Encode(frame)));
    }

    [Fact]
    public void Content_length_already_given_is_kept_and_not_repeated()
    {
        var frame = StompFrame.WithText(StompCommand.Send, "abc", ("content-length", "3"), ("destination", "/q"));

        Assert.Equal("SEND\ncontent-length:3\ndestination:/q\n\nabc\0", Text(StompEncoder.Encode(frame)));
    }

    [Fact]
    public void Content_length_that_disagrees_with_the_body_is_refused()
    {
        var frame = StompFrame.WithText(StompCommand.Send, "abc", ("content-length", "2"));

        Assert.Throws<ArgumentException>(() => StompEncoder.Encode(frame));
    }

    [Fact]
    public void Binary_body_with_nulls_reads_back_whole()
    {
        var frame = StompFrame.Create(StompCommand.Send, ("destination", "/q")) with { Body = new byte[] { 0, 1, 0, 255, 0 } };

        var decoded = Decoded(StompEncoder.Encode(frame));

        Assert.Equal(new byte[] { 0, 1, 0, 255, 0 }, decoded.Body.ToArray());
        Assert.Equal("5", decoded.Header("content-length"));
    }

    [Fact]
    public void Header_values_are_escaped_outside_connect_and_connected()
    {
        var frame = StompFrame.Create(StompCommand.Message, ("note", "a:b\nc\rd\\e"));

        Assert.Equal("MESSAGE\nnote:a\\cb\\nc\\rd\\\\e\n\n\0", Text(StompEncoder.Encode(frame)));
    }

    [Fact]
    public void Header_names_are_escaped_too()
    {
        var frame = StompFrame.Create(StompCommand.Send, ("x:y\\z", "1"));

        Assert.Equal("SEND\nx\\cy\\\\z:1\n\n\0", Text(StompEncoder.Encode(frame)));
    }

    [Fact]
    public void Escaped_header_reads_back_to_the_original_text()
    {
        var frame = StompFrame.Create(StompCommand.Error, ("message", "line one\nline: two\r\\end"));

        Assert.Equal(frame, Decoded(StompEncoder.Encode(frame)));
    }

    [Fact]
    public void Connect_headers_are_written_verbatim()
    {
        var frame = StompFrame.Create(StompCommand.Connect, ("passcode", "p\\ss:word"));

        Assert.Equal("CONNECT\npasscode:p\\ss:word\n\n\0", Text(StompEncoder.Encode(frame)));
    }

    [Fact]
    public void Connected_headers_are_written_verbatim()
    {
        var frame = StompFrame.Create(StompCommand.Connected, ("version", "1.2"), ("server", "chat\\1:0"));

        var wire = StompEncoder.Encode(frame);

        Assert.Equal("CONNECTED\nversion:1.2\nserver:chat\\1:0\n\n\0", Text(wire));
        Assert.Equal(frame, Decoded(wire));
    }

    [Theory]
    [InlineData("login", "al\nice")]
    [InlineData("login", "al\rice")]
    [InlineData("log:in", "alice")]
    public void Connect_header_that_cannot_be_written_verbatim_is_refused(string name, string value)
    {
        Assert.Throws<ArgumentException>(() => StompEncoder.Encode(StompFrame.Create(StompCommand.Connect, (name, value))));
    }

    [Fact]
    public void Empty_header_name_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StompEncoder.Encode(StompFrame.Create(StompCommand.Send, ("", "x"))));
    }

    [Fact]
    public void Heart_beat_is_a_single_line_feed()
    {
        Assert.Equal(new byte[] { (byte)'\n' }, StompEncoder.HeartBeat.ToArray());
    }

    [Fact]
    public void Frames_with_equal_parts_are_equal()
    {
        var first = StompFrame.WithText(StompCommand.Send, "body", ("destination", "/q"));
        var second = StompFrame.WithText(StompCommand.Send, "body", ("destination", "/q"));

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, second with { Body = "other"u8.ToArray() });
    }
}
