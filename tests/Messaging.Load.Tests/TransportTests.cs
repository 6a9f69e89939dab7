using System.Text;
using Messaging.Load.Transport;

namespace Messaging.Load.Tests;

/// <summary>Reading what the server sends: frames cut out of the byte stream, and what each means for the run.</summary>
public sealed class TransportTests
{
    [Fact]
    public void Frames_are_cut_at_their_nul_across_reads_and_heart_beats_are_dropped()
    {
        var splitter = new FrameSplitter(initialBytes: 16);
        var frames = new List<string>();

        foreach (var chunk in new[] { "\nRECEIPT\nreceipt-id:1\n\n\0\n", "\nMESSAGE\ndestination:/x\n\n{\"a\":", "1}\0" })
        {
            var bytes = Encoding.UTF8.GetBytes(chunk);
            var offset = 0;
            while (offset < bytes.Length)
            {
                var space = splitter.FreeSpace;
                var count = Math.Min(space.Length, bytes.Length - offset);
                bytes.AsSpan(offset, count).CopyTo(space.Span);
                splitter.Advance(count);
                offset += count;
                while (splitter.TryTake(out var frame))
                    frames.Add(Encoding.UTF8.GetString(frame));
            }
        }

        Assert.Equal(["RECEIPT\nreceipt-id:1\n\n", "MESSAGE\ndestination:/x\n\n{\"a\":1}"], frames);
    }

    [Fact]
    public void A_receipt_acknowledges_the_send_it_names()
    {
        var events = new RecordedEvents();

        Feed(new StompReplies(events), "RECEIPT\nreceipt-id:42\n\n", at: 7);

        Assert.Equal(["acknowledged 42 at 7"], events.Heard);
    }

    [Fact]
    public void A_notification_delivers_the_send_named_in_its_text()
    {
        var events = new RecordedEvents();
        var body = $$$"""{"type":"NEW_MESSAGE","conversationId":"c","message":{"id":"m","text":"{{{MessageText.For(1234)}}}","senderId":"s","senderName":"n"}}""";

        Feed(new StompReplies(events), $"MESSAGE\r\ndestination:{StompFrames.Notifications}\r\nsubscription:notifications\r\n\r\n{body}", at: 9);

        Assert.Equal(["delivered 1234 at 9"], events.Heard);
    }

    [Fact]
    public void A_message_on_the_errors_queue_refuses_the_send_of_its_receipt_id()
    {
        var events = new RecordedEvents();

        Feed(new StompReplies(events), $"MESSAGE\ndestination:{StompFrames.Errors}\n\n{{\"type\":\"ERROR\",\"code\":429,\"message\":\"rate limit exceeded\",\"receiptId\":\"17\"}}", at: 3);

        Assert.Equal(["refused 17 429 rate limit exceeded at 3"], events.Heard);
    }

    [Fact]
    public void An_error_frame_is_counted_by_its_message_and_fails_the_handshake()
    {
        var events = new RecordedEvents();
        var replies = new StompReplies(events);

        Feed(replies, "ERROR\nmessage:authentication required\ncontent-type:text/plain\n\nsend a token", at: 1);

        Assert.Equal(["error frame authentication required"], events.Heard);
        Assert.True(replies.Connected.IsFaulted);
    }

    [Fact]
    public void A_relayed_send_frame_is_a_delivery_of_its_sequence()
    {
        var events = new RecordedEvents();
        var frame = StompFrames.Send(77, Guid.NewGuid(), conversationId: null);

        new RelayReplies(events).OnFrame(new ReceivedFrame(frame.AsSpan(0, frame.Length - 1)), receivedAt: 5);

        Assert.Equal(["delivered 77 at 5"], events.Heard);
    }

    private static void Feed(IFrameHandler handler, string frame, long at) =>
        handler.OnFrame(new ReceivedFrame(Encoding.UTF8.GetBytes(frame)), at);

    private sealed class RecordedEvents : ILoadEvents
    {
        public List<string> Heard { get; } = [];

        public void Acknowledged(long sequence, long timestamp) => Heard.Add($"acknowledged {sequence} at {timestamp}");
        public void Delivered(long sequence, long timestamp) => Heard.Add($"delivered {sequence} at {timestamp}");
        public void Refused(long sequence, int code, string reason, long timestamp) => Heard.Add($"refused {sequence} {code} {reason} at {timestamp}");
        public void ErrorFrame(string message) => Heard.Add($"error frame {message}");
        public void Disconnected() => Heard.Add("disconnected");
    }
}
