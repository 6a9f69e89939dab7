using System.Text;
using Messaging.Actors.Stomp;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>How <see cref="StompDecoder"/> reads STOMP 1.2 frames, and how it refuses what is not one.</summary>
public sealed class StompDecoderSpecs
{
    private static byte[] Wire(string text) => Encoding.UTF8.GetBytes(text);

    private static StompFrame DecodeOne(string wire, StompLimits? limits = null) =>
        Assert.Single(new StompDecoder(limits ?? new StompLimits()).Decode(Wire(wire)));

    private static StompErrorKind Failure(string wire, StompLimits? limits = null) =>
        Assert.Throws<StompProtocolException>(() => new StompDecoder(limits ?? new StompLimits()).Decode(Wire(wire))).Kind;

    // ImmutableArray's own equality compares array references, so headers are compared as sequences.
    private static void AssertHeaders(StompFrame frame, params (string Name, string Value)[] expected) =>
        Assert.Equal(expected.Select(header => KeyValuePair.Create(header.Name, header.Value)), frame.Headers.AsEnumerable());

    // ---- every frame kind ----

    [Fact]
    public void Connect_frame_decodes_its_command_and_headers_in_order()
    {
        var frame = DecodeOne("CONNECT\naccept-version:1.2\nhost:chat.example\nlogin:alice\npasscode:s3cret\nheart-beat:10000,10000\n\n\0");

        Assert.Equal(StompCommand.Connect, frame.Command);
        AssertHeaders(frame,
            ("accept-version", "1.2"), ("host", "chat.example"), ("login", "alice"), ("passcode", "s3cret"), ("heart-beat", "10000,10000"));
        Assert.True(frame.Body.IsEmpty);
    }

    [Fact]
    public void Stomp_frame_decodes_as_its_own_command()
    {
        var frame = DecodeOne("STOMP\naccept-version:1.2\nhost:chat.example\n\n\0");

        Assert.Equal(StompCommand.Stomp, frame.Command);
        Assert.Equal("chat.example", frame.Header("host"));
    }

    [Fact]
    public void Connected_frame_decodes_version_session_and_heart_beat()
    {
        var frame = DecodeOne("CONNECTED\nversion:1.2\nsession:s-17\nheart-beat:0,5000\n\n\0");

        Assert.Equal(StompCommand.Connected, frame.Command);
        Assert.Equal("1.2", frame.Header("version"));
        Assert.Equal("s-17", frame.Header("session"));
        Assert.Equal("0,5000", frame.Header("heart-beat"));
    }

    [Fact]
    public void Send_frame_decodes_destination_and_a_body_ended_by_null()
    {
        var frame = DecodeOne("SEND\ndestination:/conversations/42\ncontent-type:text/plain\n\nhello there\0");

        Assert.Equal(StompCommand.Send, frame.Command);
        Assert.Equal("/conversations/42", frame.Header("destination"));
        Assert.Equal("text/plain", frame.Header("content-type"));
        Assert.Equal("hello there", frame.BodyText);
    }

    [Fact]
    public void Subscribe_frame_decodes_id_destination_and_ack_mode()
    {
        var frame = DecodeOne("SUBSCRIBE\nid:sub-0\ndestination:/user/inbox\nack:client-individual\n\n\0");

        Assert.Equal(StompCommand.Subscribe, frame.Command);
        AssertHeaders(frame, ("id", "sub-0"), ("destination", "/user/inbox"), ("ack", "client-individual"));
    }

    [Fact]
    public void Unsubscribe_frame_decodes_its_subscription_id()
    {
        var frame = DecodeOne("UNSUBSCRIBE\nid:sub-0\n\n\0");

        Assert.Equal(StompCommand.Unsubscribe, frame.Command);
        Assert.Equal("sub-0", frame.Header("id"));
    }

    [Fact]
    public void Ack_frame_decodes_its_ack_id_and_transaction()
    {
        var frame = DecodeOne("ACK\nid:m-12\ntransaction:tx1\n\n\0");

        Assert.Equal(StompCommand.Ack, frame.Command);
        Assert.Equal("m-12", frame.Header("id"));
        Assert.Equal("tx1", frame.Header("transaction"));
    }

    [Fact]
    public void Nack_frame_decodes_its_ack_id()
    {
        var frame = DecodeOne("NACK\nid:m-13\n\n\0");

        Assert.Equal(StompCommand.Nack, frame.Command);
        Assert.Equal("m-13", frame.Header("id"));
    }

    [Theory]
    [InlineData("BEGIN", StompCommand.Begin)]
    [InlineData("COMMIT", StompCommand.Commit)]
    [InlineData("ABORT", StompCommand.Abort)]
    public void Transaction_frames_decode_their_transaction_id(string command, StompCommand expected)
    {
        var frame = DecodeOne($"{command}\ntransaction:tx-9\n\n\0");

        Assert.Equal(expected, frame.Command);
        Assert.Equal("tx-9", frame.Header("transaction"));
    }

    [Fact]
    public void Disconnect_frame_decodes_its_receipt_request()
    {
        var frame = DecodeOne("DISCONNECT\nreceipt:77\n\n\0");

        Assert.Equal(StompCommand.Disconnect, frame.Command);
        Assert.Equal("77", frame.Header("receipt"));
    }

    [Fact]
    public void Message_frame_decodes_subscription_message_id_and_body()
    {
        var frame = DecodeOne("MESSAGE\nsubscription:sub-0\nmessage-id:m-1\ndestination:/user/inbox\ncontent-length:5\n\nhi yo\0");

        Assert.Equal(StompCommand.Message, frame.Command);
        Assert.Equal("sub-0", frame.Header("subscription"));
        Assert.Equal("m-1", frame.Header("message-id"));
        Assert.Equal("hi yo", frame.BodyText);
    }

    [Fact]
    public void Receipt_frame_decodes_its_receipt_id()
    {
        var frame = DecodeOne("RECEIPT\nreceipt-id:77\n\n\0");

        Assert.Equal(StompCommand.Receipt, frame.Command);
        Assert.Equal("77", frame.Header("receipt-id"));
    }

    [Fact]
    public void Error_frame_decodes_its_message_and_detail_body()
    {
        var frame = DecodeOne("ERROR\nmessage:malformed frame received\ncontent-type:text/plain\n\nThe header had no colon.\0");

        Assert.Equal(StompCommand.Error, frame.Command);
        Assert.Equal("malformed frame received", frame.Header("message"));
        Assert.Equal("The header had no colon.", frame.BodyText);
    }

    // ---- header values ----

    [Fact]
    public void Header_escapes_decode_in_a_send_frame()
    {
        var frame = DecodeOne("SEND\ndestination:/q\nnote:a\\cb\\nc\\rd\\\\e\n\n\0");

        Assert.Equal("a:b\nc\rd\\e", frame.Header("note"));
    }

    [Fact]
    public void Header_name_escapes_decode_too()
    {
        var frame = DecodeOne("MESSAGE\nx\\cy\\\\z:1\n\n\0");

        AssertHeaders(frame, ("x:y\\z", "1"));
    }

    [Fact]
    public void Escapes_are_literal_in_connect_frames()
    {
        var frame = DecodeOne("CONNECT\npasscode:a\\cb\\nc\\\\d\\t\n\n\0");

        Assert.Equal("a\\cb\\nc\\\\d\\t", frame.Header("passcode"));
    }

    [Fact]
    public void Escapes_are_literal_in_connected_frames()
    {
        var frame = DecodeOne("CONNECTED\nversion:1.2\nserver:chat\\c1\\n\n\n\0");

        Assert.Equal("chat\\c1\\n", frame.Header("server"));
    }

    [Fact]
    public void Colons_after_the_first_belong_to_the_value()
    {
        var frame = DecodeOne("SEND\ndestination:/q\nreply-to:http://host:80/x\n\n\0");

        Assert.Equal("http://host:80/x", frame.Header("reply-to"));
    }

    [Fact]
    public void Spaces_around_names_and_values_are_kept()
    {
        var frame = DecodeOne("SEND\n name : value \n\n\0");

        AssertHeaders(frame, (" name ", " value "));
    }

    [Fact]
    public void Empty_header_value_is_an_empty_string()
    {
        var frame = DecodeOne("SEND\ndestination:/q\nselector:\n\n\0");

        Assert.Equal("", frame.Header("selector"));
    }

    [Fact]
    public void Utf8_header_values_decode_to_their_characters()
    {
        var frame = DecodeOne("SEND\ndestination:/q\nsubject:Grüße 👋\n\n\0");

        Assert.Equal("Grüße 👋", frame.Header("subject"));
    }

    [Fact]
    public void Repeated_header_first_occurrence_wins()
    {
        var frame = DecodeOne("MESSAGE\nfoo:World\nfoo:Hello\n\n\0");

        Assert.Equal("World", frame.Header("foo"));
        AssertHeaders(frame, ("foo", "World"), ("foo", "Hello"));
    }

    [Fact]
    public void Header_lookup_is_case_sensitive()
    {
        var frame = DecodeOne("SEND\nDestination:/q\n\n\0");

        Assert.Null(frame.Header("destination"));
        Assert.Equal("/q", frame.Header("Destination"));
    }

    // ---- line ends ----

    [Fact]
    public void Crlf_line_ends_decode_like_lf()
    {
        var withLf = DecodeOne("SEND\ndestination:/q\nreceipt:1\n\nbody\0");
        var withCrLf = DecodeOne("SEND\r\ndestination:/q\r\nreceipt:1\r\n\r\nbody\0");

        Assert.Equal(withLf, withCrLf);
        Assert.Equal("/q", withCrLf.Header("destination"));
    }

    [Fact]
    public void Crlf_and_lf_may_mix_within_one_frame()
    {
        var frame = DecodeOne("SUBSCRIBE\r\nid:0\ndestination:/q\r\n\nx\0");

        AssertHeaders(frame, ("id", "0"), ("destination", "/q"));
        Assert.Equal("x", frame.BodyText);
    }

    [Fact]
    public void Carriage_return_that_does_not_end_a_header_line_is_a_malformed_header()
    {
        Assert.Equal(StompErrorKind.MalformedHeader, Failure("SEND\ndestination:/q\rx\n\n\0"));
    }

    [Fact]
    public void Carriage_return_that_does_not_end_the_command_line_makes_an_unknown_command()
    {
        Assert.Equal(StompErrorKind.UnknownCommand, Failure("SEND\r\r\n\n\0"));
    }

    // ---- bodies ----

    [Fact]
    public void Body_without_content_length_ends_at_the_first_null()
    {
        var decoder = new StompDecoder(new StompLimits());

        var frame = Assert.Single(decoder.Decode(Wire("SEND\ndestination:/q\n\nab\0cd")));

        Assert.Equal("ab", frame.BodyText);
        Assert.Equal(2, decoder.BufferedBytes); // "cd" begins the next frame
    }

    [Fact]
    public void Content_length_body_may_contain_nulls()
    {
        var frame = DecodeOne("SEND\ndestination:/q\ncontent-length:7\n\na\0b\0\0cd\0");

        Assert.Equal("a\0b\0\0cd"u8.ToArray(), frame.Body.ToArray());
    }

    [Fact]
    public void Content_length_body_may_hold_bytes_that_are_not_utf8()
    {
        var decoder = new StompDecoder(new StompLimits());
        byte[] wire = [.. "MESSAGE\ncontent-length:3\n\n"u8, 0xFF, 0xC3, 0x00, 0x00];

        var frame = Assert.Single(decoder.Decode(wire));

        Assert.Equal(new byte[] { 0xFF, 0xC3, 0x00 }, frame.Body.ToArray());
    }

    [Fact]
    public void Content_length_zero_gives_an_empty_body()
    {
        var frame = DecodeOne("SEND\ndestination:/q\ncontent-length:0\n\n\0");

        Assert.True(frame.Body.IsEmpty);
    }

    [Fact]
    public void Repeated_content_length_first_occurrence_sets_the_body_length()
    {
        var frame = DecodeOne("SEND\ncontent-length:3\ncontent-length:1\n\nabc\0");

        Assert.Equal("abc", frame.BodyText);
    }

    [Fact]
    public void Content_length_body_not_followed_by_null_is_missing_null_terminator()
    {
        Assert.Equal(StompErrorKind.MissingNullTerminator, Failure("SEND\ncontent-length:2\n\nabc\0"));
    }

    // ---- batching, splitting, heart-beats ----

    [Fact]
    public void Several_frames_in_one_call_decode_in_order()
    {
        var frames = new StompDecoder(new StompLimits()).Decode(Wire(
            "SUBSCRIBE\nid:0\ndestination:/a\n\n\0SEND\ndestination:/a\ncontent-length:2\n\nhi\0DISCONNECT\nreceipt:9\n\n\0"));

        Assert.Equal([StompCommand.Subscribe, StompCommand.Send, StompCommand.Disconnect], frames.Select(frame => frame.Command));
        Assert.Equal("hi", frames[1].BodyText);
        Assert.Equal("9", frames[2].Header("receipt"));
    }

    [Theory]
    [InlineData("SEND\ndestination:/q\nnote:a\\cb\ncontent-length:5\n\nx\0y\0z\0")]
    [InlineData("SEND\r\ndestination:/q\r\n\r\nplain body\0")]
    [InlineData("\r\n\nCONNECT\r\nhost:h\\n\r\n\r\n\0\r\n")]
    public void Frame_split_at_every_byte_boundary_decodes_identically(string text)
    {
        var wire = Wire(text);
        var whole = Assert.Single(new StompDecoder(new StompLimits()).Decode(wire));

        for (var split = 0; split <= wire.Length; split++)
        {
            var decoder = new StompDecoder(new StompLimits());
            var frames = decoder.Decode(wire.AsSpan(0, split)).Concat(decoder.Decode(wire.AsSpan(split))).ToList();

            Assert.Equal(whole, Assert.Single(frames));
            Assert.Equal(0, decoder.BufferedBytes);
        }
    }

    [Fact]
    public void Frame_fed_one_byte_at_a_time_completes_only_at_its_null()
    {
        var wire = Wire("MESSAGE\nsubscription:0\ncontent-length:3\n\na\0b\0");
        var decoder = new StompDecoder(new StompLimits());

        for (var index = 0; index < wire.Length - 1; index++)
            Assert.Empty(decoder.Decode(wire.AsSpan(index, 1)));
        var frame = Assert.Single(decoder.Decode(wire.AsSpan(wire.Length - 1)));

        Assert.Equal("a\0b", frame.BodyText);
    }

    [Fact]
    public void Call_that_completes_a_frame_also_decodes_the_frames_after_it()
    {
        var decoder = new StompDecoder(new StompLimits());

        Assert.Empty(decoder.Decode(Wire("SEND\ndestination:/a\n\nfir")));
        var frames = decoder.Decode(Wire("st\0SEND\ndestination:/b\n\nsecond\0SEND\ndest"));

        Assert.Equal(["first", "second"], frames.Select(frame => frame.BodyText));
        Assert.Equal("SEND\ndest".Length, decoder.BufferedBytes);
    }

    [Fact]
    public void Buffered_bytes_count_the_incomplete_frame_and_drop_to_zero_when_it_completes()
    {
        var decoder = new StompDecoder(new StompLimits());

        decoder.Decode(Wire("SEND\r\ndestination:/q\r\n"));
        Assert.Equal(22, decoder.BufferedBytes);
        decoder.Decode(Wire("\r\nabc"));
        Assert.Equal(27, decoder.BufferedBytes);
        decoder.Decode(Wire("\0"));
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void Heart_beats_before_a_frame_are_skipped()
    {
        var frame = DecodeOne("\n\r\n\n\r\nSEND\ndestination:/q\n\nx\0");

        Assert.Equal(StompCommand.Send, frame.Command);
        Assert.Equal("x", frame.BodyText);
    }

    [Fact]
    public void Heart_beats_between_frames_are_skipped()
    {
        var frames = new StompDecoder(new StompLimits()).Decode(Wire("BEGIN\ntransaction:t\n\n\0\n\r\n\nCOMMIT\ntransaction:t\n\n\0\r\n"));

        Assert.Equal([StompCommand.Begin, StompCommand.Commit], frames.Select(frame => frame.Command));
    }

    [Fact]
    public void Heart_beats_alone_decode_to_nothing_and_hold_nothing()
    {
        var decoder = new StompDecoder(new StompLimits());

        Assert.Empty(decoder.Decode(StompEncoder.HeartBeat.Span));
        Assert.Empty(decoder.Decode(Wire("\r\n\n\r\n")));
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void Crlf_heart_beat_split_between_calls_is_skipped()
    {
        var decoder = new StompDecoder(new StompLimits());

        Assert.Empty(decoder.Decode(Wire("\r")));
        Assert.Empty(decoder.Decode(Wire("\n")));
        Assert.Equal(0, decoder.BufferedBytes);
        Assert.Equal(StompCommand.Ack, Assert.Single(decoder.Decode(Wire("ACK\nid:1\n\n\0"))).Command);
    }

    // ---- limits ----

    [Fact]
    public void Frame_of_exactly_the_size_limit_is_accepted()
    {
        const string wire = "SEND\ndestination:/q\n\n0123456789\0"; // 32 bytes

        var frame = DecodeOne(wire, new StompLimits(MaxFrameBytes: 32));

        Assert.Equal("0123456789", frame.BodyText);
    }

    [Fact]
    public void Frame_one_byte_over_the_size_limit_is_frame_too_large()
    {
        Assert.Equal(StompErrorKind.FrameTooLarge, Failure("SEND\ndestination:/q\n\n0123456789\0", new StompLimits(MaxFrameBytes: 31)));
    }

    [Fact]
    public void Frame_too_large_is_detected_as_soon_as_the_limit_is_passed_without_buffering_more()
    {
        var decoder = new StompDecoder(new StompLimits(MaxFrameBytes: 64));
        var unterminated = Wire("SEND\ndestination:/q\n\n" + new string('x', 43)); // 64 bytes, no NUL yet

        Assert.Empty(decoder.Decode(unterminated));
        Assert.Equal(64, decoder.BufferedBytes);

        var failure = Assert.Throws<StompProtocolException>(() => decoder.Decode(Wire("y")));
        Assert.Equal(StompErrorKind.FrameTooLarge, failure.Kind);
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void Frame_too_large_is_detected_within_one_oversized_call()
    {
        var decoder = new StompDecoder(new StompLimits(MaxFrameBytes: 1024));

        var failure = Assert.Throws<StompProtocolException>(() => decoder.Decode(new byte[1_000_000]));

        Assert.Equal(StompErrorKind.FrameTooLarge, failure.Kind);
    }

    [Fact]
    public void Content_length_that_cannot_fit_the_frame_fails_as_soon_as_the_head_arrives()
    {
        var decoder = new StompDecoder(new StompLimits(MaxFrameBytes: 100));

        var failure = Assert.Throws<StompProtocolException>(() => decoder.Decode(Wire("SEND\ndestination:/q\ncontent-length:90\n\n")));

        Assert.Equal(StompErrorKind.FrameTooLarge, failure.Kind);
    }

    [Fact]
    public void Frames_each_within_the_limit_may_together_exceed_it_in_one_call()
    {
        var limits = new StompLimits(MaxFrameBytes: 40);
        var batch = string.Concat(Enumerable.Repeat("SEND\ndestination:/q\n\n0123456789\0", 10));

        var frames = new StompDecoder(limits).Decode(Wire(batch));

        Assert.Equal(10, frames.Count);
    }

    [Fact]
    public void Heart_beats_do_not_count_toward_the_size_limit()
    {
        var limits = new StompLimits(MaxFrameBytes: 32);
        var wire = new string('\n', 1000) + "SEND\ndestination:/q\n\n0123456789\0";

        Assert.Equal("0123456789", DecodeOne(wire, limits).BodyText);
    }

    [Fact]
    public void Headers_up_to_the_limit_are_accepted()
    {
        var frame = DecodeOne("SEND\na:1\nb:2\nc:3\n\n\0", new StompLimits(MaxHeaders: 3));

        Assert.Equal(3, frame.Headers.Length);
    }

    [Fact]
    public void More_headers_than_the_limit_is_too_many_headers()
    {
        Assert.Equal(StompErrorKind.TooManyHeaders, Failure("SEND\na:1\nb:2\nc:3\nd:4\n\n\0", new StompLimits(MaxHeaders: 3)));
    }

    [Fact]
    public void Limits_that_allow_no_frame_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StompDecoder(new StompLimits(MaxFrameBytes: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StompDecoder(new StompLimits(MaxHeaders: -1)));
    }

    // ---- errors ----

    [Theory]
    [InlineData("PUBLISH\n\n\0")]
    [InlineData("send\ndestination:/q\n\n\0")]
    [InlineData(" SEND\n\n\0")]
    [InlineData("SEND \n\n\0")]
    public void Command_that_is_not_a_stomp_command_is_unknown(string wire)
    {
        Assert.Equal(StompErrorKind.UnknownCommand, Failure(wire));
    }

    [Fact]
    public void Header_line_without_colon_is_a_malformed_header()
    {
        Assert.Equal(StompErrorKind.MalformedHeader, Failure("SEND\ndestination /q\n\n\0"));
    }

    [Fact]
    public void Header_with_an_empty_name_is_a_malformed_header()
    {
        Assert.Equal(StompErrorKind.MalformedHeader, Failure("SEND\n:value\n\n\0"));
    }

    [Theory]
    [InlineData("a\\tb")]
    [InlineData("a\\b")]
    [InlineData("trailing\\")]
    public void Undefined_escape_is_a_malformed_header(string value)
    {
        Assert.Equal(StompErrorKind.MalformedHeader, Failure($"SEND\nnote:{value}\n\n\0"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("")]
    [InlineData("1.0")]
    [InlineData("0x10")]
    [InlineData("99999999999999999999")]
    public void Content_length_that_is_not_a_non_negative_integer_is_invalid(string value)
    {
        Assert.Equal(StompErrorKind.InvalidContentLength, Failure($"SEND\ncontent-length:{value}\n\n\0"));
    }

    [Fact]
    public void Content_length_larger_than_the_frame_limit_is_invalid()
    {
        Assert.Equal(StompErrorKind.InvalidContentLength, Failure("SEND\ncontent-length:1025\n\n", new StompLimits(MaxFrameBytes: 1024)));
    }

    [Fact]
    public void Invalid_utf8_in_the_command_is_invalid_encoding()
    {
        var failure = Assert.Throws<StompProtocolException>(() => new StompDecoder(new StompLimits()).Decode([0x53, 0xC3, 0x28, 0x0A]));

        Assert.Equal(StompErrorKind.InvalidEncoding, failure.Kind);
    }

    [Fact]
    public void Invalid_utf8_in_a_header_is_invalid_encoding()
    {
        byte[] wire = [.. "SEND\ndestination:/q"u8, 0xFF, .. "\n\n\0"u8];

        var failure = Assert.Throws<StompProtocolException>(() => new StompDecoder(new StompLimits()).Decode(wire));

        Assert.Equal(StompErrorKind.InvalidEncoding, failure.Kind);
    }

    [Fact]
    public void Decoder_refuses_further_input_after_a_protocol_error()
    {
        var decoder = new StompDecoder(new StompLimits());
        Assert.Throws<StompProtocolException>(() => decoder.Decode(Wire("BOGUS\n\n\0")));

        var failure = Assert.Throws<StompProtocolException>(() => decoder.Decode(Wire("SEND\ndestination:/q\n\n\0")));

        Assert.Equal(StompErrorKind.UnknownCommand, failure.Kind);
        Assert.Equal(0, decoder.BufferedBytes);
    }
}
