using System.Collections.Immutable;
using System.Text;
using Messaging.Actors.Stomp;

namespace Messaging.Actors.Tests.Stomp;

/// <summary>
/// Seeded random frames and byte strings: the codec round-trips whatever it writes, and no input makes the
/// decoder throw anything but <see cref="StompProtocolException"/> or hold more than the frame limit.
/// </summary>
public sealed class StompCodecFuzzSpecs
{
    private static readonly StompCommand[] Commands = Enum.GetValues<StompCommand>();

    // Text pieces chosen to hit the escapes, line ends, NUL and multi-byte UTF-8.
    private static readonly string[] EscapedHeaderPieces = ["a", "Z", "7", "-", "/", " ", ":", "\\", "\r", "\n", "\0", "é", "€", "👋"];
    private static readonly string[] VerbatimNamePieces = ["a", "Z", "7", "-", "/", " ", "\\", "\0", "é", "👋"];
    private static readonly string[] VerbatimValuePieces = [.. VerbatimNamePieces, ":"];

    // Byte pieces from which random input is built: mostly STOMP syntax, so that every rule of the decoder is reached.
    private static readonly byte[][] WirePieces =
    [
        .. new[]
        {
            "SEND\n", "CONNECT\n", "MESSAGE\n", "ACK", "ERROR", "\n", "\n", "\r\n", "\r", ":", "h:v\n", "h:v\n", "content-length:",
            "content-length:3\n", "content-length:-1\n", "0", "5", "a", "0123456789abcdef0123456789abcdef", "\\", "\\n", "\\c", "\\t",
            "\0", "\0", "\n\n",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0xC3], [0xE2, 0x82, 0xAC],
    ];

    private static readonly StompLimits SmallLimits = new(MaxFrameBytes: 256, MaxHeaders: 8);

    [Fact]
    public void Generated_frames_round_trip_through_encoder_and_decoder()
    {
        var random = new Random(1201);

        for (var round = 0; round < 3000; round++)
        {
            var frame = RandomFrame(random);

            var decoded = Assert.Single(new StompDecoder(new StompLimits()).Decode(StompEncoder.Encode(frame)));

            Assert.Equal(AsWritten(frame), decoded);
        }
    }

    [Fact]
    public void Generated_frame_streams_split_at_random_points_decode_to_the_same_frames()
    {
        var random = new Random(1202);

        for (var round = 0; round < 400; round++)
        {
            var frames = Enumerable.Range(0, random.Next(1, 8)).Select(_ => RandomFrame(random)).ToList();
            var stream = new List<byte>();
            foreach (var frame in frames)
            {
                for (var beats = random.Next(3); beats > 0; beats--) stream.AddRange(random.Next(2) == 0 ? "\n"u8.ToArray() : "\r\n"u8.ToArray());
                stream.AddRange(StompEncoder.Encode(frame));
            }

            var decoder = new StompDecoder(new StompLimits());
            var decoded = InChunks(random, [.. stream]).SelectMany(chunk => decoder.Decode(chunk)).ToList();

            Assert.Equal(frames.Select(AsWritten), decoded);
            Assert.Equal(0, decoder.BufferedBytes);
        }
    }

    [Fact]
    public void Random_bytes_only_ever_raise_protocol_errors_and_reach_every_one()
    {
        var random = new Random(1203);
        var seenErrors = new HashSet<StompErrorKind>();

        for (var round = 0; round < 4000; round++)
        {
            if (FeedChecked(random, RandomInput(random)) is { } error) seenErrors.Add(error);
        }

        Assert.Equal(Enum.GetValues<StompErrorKind>().ToHashSet(), seenErrors);
    }

    [Fact]
    public void Mutated_valid_frames_only_ever_raise_protocol_errors()
    {
        var random = new Random(1204);
        var (failed, passed) = (0, 0);

        for (var round = 0; round < 3000; round++)
        {
            var valid = Enumerable.Range(0, random.Next(1, 4)).SelectMany(_ => StompEncoder.Encode(RandomFrame(random, maxBody: 60))).ToList();
            for (var mutations = random.Next(1, 4); mutations > 0; mutations--) Mutate(random, valid);

            if (FeedChecked(random, [.. valid]) is null) passed++;
            else failed++;
        }

        // Both outcomes must be common, or the mutations are too mild or too wild to test anything.
        Assert.True(failed > 300, $"only {failed} mutated inputs failed");
        Assert.True(passed > 300, $"only {passed} mutated inputs decoded");
    }

    /// <summary>A plausible frame start, so that later rules get reached, followed by STOMP-like pieces or plain noise.</summary>
    private static byte[] RandomInput(Random random)
    {
        var start = random.Next(5) switch
        {
            0 => "",
            1 => "SEND\n",
            2 => "SEND\n\n",
            3 => "MESSAGE\ncontent-length:3\n\n",
            _ => "SUBSCRIBE\n" + string.Concat(Enumerable.Repeat("h:v\n", random.Next(SmallLimits.MaxHeaders + 4))),
        };
        var rest = random.Next(2) == 0
            ? Enumerable.Range(0, random.Next(60)).SelectMany(_ => WirePieces[random.Next(WirePieces.Length)]).ToArray()
            : Noise(random, random.Next(400));
        return [.. Encoding.UTF8.GetBytes(start), .. rest];
    }

    private static byte[] Noise(Random random, int length)
    {
        var noise = new byte[length];
        random.NextBytes(noise);
        return noise;
    }

    /// <summary>
    /// Feeds input in random chunks to a decoder with small limits, checking the invariants after every call and that
    /// each decoded frame survives re-encoding; returns the error that ended the input, if any.
    /// </summary>
    private static StompErrorKind? FeedChecked(Random random, byte[] input)
    {
        var decoder = new StompDecoder(SmallLimits);
        foreach (var chunk in InChunks(random, input))
        {
            IReadOnlyList<StompFrame> frames;
            try
            {
                frames = decoder.Decode(chunk);
            }
            catch (StompProtocolException error)
            {
                return error.Kind;
            }

            Assert.InRange(decoder.BufferedBytes, 0, SmallLimits.MaxFrameBytes);
            foreach (var frame in frames)
                Assert.Equal(AsWritten(frame), Assert.Single(new StompDecoder(new StompLimits()).Decode(StompEncoder.Encode(frame))));
        }
        return null;
    }

    private static void Mutate(Random random, List<byte> wire)
    {
        if (wire.Count == 0) return;
        var at = random.Next(wire.Count);
        var length = Math.Min(random.Next(1, 8), wire.Count - at);
        switch (random.Next(6))
        {
            case 0: wire[at] ^= (byte)(1 << random.Next(8)); break;
            case 1: wire[at] = "\0\n\r:\\"u8[random.Next(5)]; break;
            case 2: wire.InsertRange(at, WirePieces[random.Next(WirePieces.Length)]); break;
            case 3: wire.RemoveRange(at, length); break;
            case 4: wire.InsertRange(at, wire.GetRange(at, length)); break;
            default: wire.RemoveRange(at, wire.Count - at); break;
        }
    }

    private static IEnumerable<byte[]> InChunks(Random random, byte[] input)
    {
        for (var start = 0; start < input.Length;)
        {
            var length = Math.Min(input.Length - start, random.Next(4) == 0 ? 1 : random.Next(1, 64));
            yield return input[start..(start + length)];
            start += length;
        }
    }

    private static StompFrame RandomFrame(Random random, int maxBody = 300)
    {
        var command = Commands[random.Next(Commands.Length)];
        var verbatim = command is StompCommand.Connect or StompCommand.Connected;
        var headers = Enumerable.Range(0, random.Next(0, 9))
            .Select(_ => KeyValuePair.Create(
                RandomText(random, verbatim ? VerbatimNamePieces : EscapedHeaderPieces, 1, 12),
                RandomText(random, verbatim ? VerbatimValuePieces : EscapedHeaderPieces, 0, 24)))
            .ToImmutableArray();
        return new StompFrame(command, headers, Noise(random, random.Next(3) == 0 ? 0 : random.Next(maxBody)));
    }

    private static string RandomText(Random random, string[] pieces, int minPieces, int maxPieces) =>
        string.Concat(Enumerable.Range(0, random.Next(minPieces, maxPieces + 1)).Select(_ => pieces[random.Next(pieces.Length)]));

    /// <summary>The frame as a reader gets it: the encoder adds content-length to a non-empty body that lacks one.</summary>
    private static StompFrame AsWritten(StompFrame frame) =>
        frame.Body.IsEmpty || frame.Header("content-length") is not null
            ? frame
            : frame with { Headers = frame.Headers.Add(KeyValuePair.Create("content-length", frame.Body.Length.ToString())) };
}
