using Beryl.Media.Rtp;

namespace Beryl.Media.Tests.Rtp;

[TestFixture]
public sealed class RtpHeaderTests
{
    // A Chrome video packet header as captured (olivermichel/webrtc-analysis test data): one-byte extension
    // elements 2 (abs-send-time), 4 (transport-wide sequence number) and 13, one padding byte, no payload.
    private static readonly byte[] ChromeOneByteExtension =
    [
        0x90, 0x2D, 0x1A, 0x5F, 0xD4, 0x09, 0x05, 0x49, 0xF7, 0xB1, 0x6E, 0x83, 0xBE, 0xDE, 0x00, 0x03,
        0x22, 0xF3, 0x43, 0x50, 0x41, 0x00, 0x9B, 0xD2, 0x81, 0x00, 0x45, 0x00,
    ];

    // The same capture's two-byte (0x1000) form, elements 2, 4, 9, 3, 6, 7 and 13.
    private static readonly byte[] ChromeTwoByteExtension =
    [
        0x90, 0x2D, 0x61, 0xC5, 0x95, 0x0A, 0x0F, 0xEE, 0x8D, 0x38, 0x14, 0xE5, 0x10, 0x00, 0x00, 0x11,
        0x02, 0x03, 0x03, 0xF7, 0xAE, 0x04, 0x02, 0x00, 0x02, 0x09, 0x01, 0x30, 0x03, 0x01, 0x00, 0x06, 0x01, 0x02,
        0x07, 0x0D, 0x01, 0x00, 0x01, 0x00, 0x07, 0x00, 0x07, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00,
        0x0D, 0x21, 0xC0, 0x00, 0x01, 0x80, 0x03, 0x18, 0x7A, 0xAA, 0xF1, 0x30, 0xA0, 0xA0, 0x14, 0xD1,
        0x41, 0x38, 0x23, 0x04, 0x60, 0x08, 0x64, 0x22, 0x22, 0x26, 0x50, 0x09, 0xF0, 0x07, 0x70, 0x13,
        0xF0, 0x0E, 0xF0,
    ];

    internal static byte[] BuildAudioPacket(bool withCsrcAndLevel, int padding = 0, int payloadLength = 160)
    {
        var header = new RtpHeader(111, 0xFFFE, 0x12345678, 0xCAFEBABE, marker: true);
        Span<byte> extension = stackalloc byte[8];
        scoped ReadOnlySpan<byte> extensionData = default;
        if (withCsrcAndLevel)
        {
            var writer = new RtpHeaderExtensionWriter(extension);
            writer.Add(1, [RtpAudioLevel.Encode(true, 30)]);
            writer.Add(3, "0"u8);
            extensionData = writer.Complete();
            header = header.WithCsrcs([0x11223344, 0x55667788]).WithExtension(writer.Profile);
        }

        var payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i * 7)).ToArray();
        var packet = new byte[header.GetPacketLength(extensionData.Length, payload.Length, padding)];
        int written = header.Write(packet, payload, extensionData, padding);
        Assert.That(written, Is.EqualTo(packet.Length));
        return packet;
    }

    [Test]
    public void ParsesAHandAssembledPacket()
    {
        // RFC 3550 figure 5.1: V=2 P=0 X=0 CC=1, M=1 PT=0, seq 0x1234, ts 0xDEADBEEF, SSRC, one CSRC, then payload.
        byte[] packet =
        [
            0x81, 0x80, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0x0A, 0x0B, 0x0C, 0x0D,
            0xFF, 0x7F, 0xFE,
        ];
        Assert.That(RtpHeader.TryParse(packet, out var header), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(header.Marker, Is.True);
            Assert.That(header.PayloadType, Is.EqualTo(0));
            Assert.That(header.SequenceNumber, Is.EqualTo(0x1234));
            Assert.That(header.Timestamp, Is.EqualTo(0xDEADBEEF));
            Assert.That(header.Ssrc, Is.EqualTo(0x01020304));
            Assert.That(header.CsrcCount, Is.EqualTo(1));
            Assert.That(header.GetCsrc(0), Is.EqualTo(0x0A0B0C0D));
            Assert.That(header.HasExtension, Is.False);
            Assert.That(header.PayloadOffset, Is.EqualTo(16));
            Assert.That(header.GetPayload(packet).ToArray(), Is.EqualTo(new byte[] { 0xFF, 0x7F, 0xFE }));
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => header.GetCsrc(1));
    }

    [Test]
    public void ParsesAChromePacketWithOneByteElements()
    {
        Assert.That(RtpHeader.TryParse(ChromeOneByteExtension, out var header), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(header.PayloadType, Is.EqualTo(45));
            Assert.That(header.SequenceNumber, Is.EqualTo(6751));
            Assert.That(header.Timestamp, Is.EqualTo(3557360969));
            Assert.That(header.Ssrc, Is.EqualTo(0xF7B16E83));
            Assert.That(header.ExtensionProfile, Is.EqualTo(RtpHeaderExtensions.OneByteProfile));
            Assert.That(header.ExtensionLength, Is.EqualTo(12));
            Assert.That(header.PayloadLength, Is.Zero);
        });
        Assert.That(Elements(header.ExtensionProfile, header.GetExtensionData(ChromeOneByteExtension)),
            Is.EqualTo(new[] { "2:F34350", "4:009B", "13:810045" }));
        Assert.That(header.TryGetExtensionElement(ChromeOneByteExtension, 4, out var sequence), Is.True);
        Assert.That(sequence.ToArray(), Is.EqualTo(new byte[] { 0x00, 0x9B }));
        Assert.That(header.TryGetExtensionElement(ChromeOneByteExtension, 5, out _), Is.False);
    }

    [Test]
    public void ParsesAChromePacketWithTwoByteElements()
    {
        Assert.That(RtpHeader.TryParse(ChromeTwoByteExtension, out var header), Is.True);
        string[] elements = Elements(header.ExtensionProfile, header.GetExtensionData(ChromeTwoByteExtension));
        Assert.That(elements.Select(e => e.Split(':')[0]), Is.EqualTo(new[] { "2", "4", "9", "3", "6", "7", "13" }));
        Assert.That(elements[0], Is.EqualTo("2:03F7AE"));
        Assert.That(elements[6].Length, Is.EqualTo(3 + 2 * 33));
    }

    private static string[] Elements(ushort profile, ReadOnlySpan<byte> data)
    {
        var found = new List<string>();
        var reader = new RtpHeaderExtensionReader(profile, data);
        while (reader.TryReadNext(out int id, out var value))
            found.Add($"{id}:{Convert.ToHexString(value)}");
        Assert.That(reader.IsMalformed, Is.False);
        return found.ToArray();
    }

    [Test]
    public void WritesTheSameBytesAsAiortc()
    {
        // aiortc 1.4 (python3-aiortc on this machine) serialising PT 96, marker, one CSRC, mid "0" as element 1 and
        // audio level (voice, -42 dBov) as element 2, with a 20-byte payload 00..13.
        byte[] aiortc = Convert.FromHexString(
            "91e01234b2d05e005f1ddd0511223344bede0001103020aa000102030405060708090a0b0c0d0e0f10111213");
        Assert.That(RtpHeader.TryParse(aiortc, out var parsed), Is.True);
        Assert.That((parsed.PayloadType, parsed.Marker, parsed.SequenceNumber, parsed.Timestamp, parsed.Ssrc), Is.EqualTo((96, true, 4660, 3000000000u, 1595792645u)));
        Assert.That(parsed.TryGetExtensionElement(aiortc, 2, out var level) && RtpAudioLevel.TryRead(level, out bool voice, out int dbov) && voice && dbov == 42, Is.True);

        Span<byte> extension = stackalloc byte[4];
        var writer = new RtpHeaderExtensionWriter(extension);
        writer.Add(1, "0"u8);
        writer.Add(2, [RtpAudioLevel.Encode(true, 42)]);
        var header = new RtpHeader(96, 4660, 3000000000, 1595792645, marker: true).WithCsrcs([0x11223344]).WithExtension(writer.Profile);
        var ours = new byte[aiortc.Length];
        header.Write(ours, Enumerable.Range(0, 20).Select(i => (byte)i).ToArray(), writer.Complete());
        Assert.That(Convert.ToHexString(ours), Is.EqualTo(Convert.ToHexString(aiortc)));
    }

    [TestCase(false, 0)]
    [TestCase(true, 0)]
    [TestCase(true, 4)]
    [TestCase(false, 1)]
    public void WrittenPacketsParseBackToTheSameFields(bool withCsrcAndLevel, int padding)
    {
        byte[] packet = BuildAudioPacket(withCsrcAndLevel, padding);
        Assert.That(RtpHeader.TryParse(packet, out var header), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(header.PayloadType, Is.EqualTo(111));
            Assert.That(header.Marker, Is.True);
            Assert.That(header.SequenceNumber, Is.EqualTo(0xFFFE));
            Assert.That(header.Timestamp, Is.EqualTo(0x12345678));
            Assert.That(header.Ssrc, Is.EqualTo(0xCAFEBABE));
            Assert.That(header.CsrcCount, Is.EqualTo(withCsrcAndLevel ? 2 : 0));
            Assert.That(header.PaddingLength, Is.EqualTo(padding));
            Assert.That(header.PayloadLength, Is.EqualTo(160));
            Assert.That(header.GetPayload(packet)[1], Is.EqualTo(7));
        });
        if (withCsrcAndLevel)
        {
            Assert.That(header.GetCsrc(1), Is.EqualTo(0x55667788));
            Assert.That(header.TryGetExtensionElement(packet, 1, out var level), Is.True);
            Assert.That(RtpAudioLevel.TryRead(level, out bool voice, out int dbov), Is.True);
            Assert.That((voice, dbov), Is.EqualTo((true, 30)));
            Assert.That(header.TryGetExtensionElement(packet, 3, out var mid) && mid.SequenceEqual("0"u8), Is.True);
        }

        var again = new byte[packet.Length];
        header.Write(again, header.GetPayload(packet), header.GetExtensionData(packet), header.PaddingLength);
        Assert.That(again, Is.EqualTo(packet));
    }

    [Test]
    public void TwoByteWriterRoundTrips()
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new RtpHeaderExtensionWriter(buffer, twoByte: true);
        writer.Add(200, []);
        writer.Add(17, new byte[20]);
        var data = writer.Complete();
        Assert.That(data.Length % 4, Is.Zero);
        Assert.That(Elements(writer.Profile, data), Is.EqualTo(new[] { "200:", "17:" + new string('0', 40) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpHeaderExtensionWriter(new byte[4]).Add(15, [1]));
        Assert.Throws<ArgumentException>(() => new RtpHeaderExtensionWriter(new byte[40]).Add(1, new byte[17]));
        Assert.Throws<ArgumentException>(() => new RtpHeaderExtensionWriter(new byte[4]).Add(1, new byte[4]), "no room");
    }

    [Test]
    public void ElementReaderStopsAtTheReservedIdAndFlagsOverruns()
    {
        Assert.That(Elements(RtpHeaderExtensions.OneByteProfile, [0x10, 0xAA, 0xF0, 0x20, 0xBB]), Is.EqualTo(new[] { "1:AA" }));
        var reader = new RtpHeaderExtensionReader(RtpHeaderExtensions.OneByteProfile, [0x13, 0xAA]);
        Assert.That(reader.TryReadNext(out _, out _), Is.False);
        Assert.That(reader.IsMalformed, Is.True);
        var unknownProfile = new RtpHeaderExtensionReader(0x1234, [0x10, 0xAA]);
        Assert.That(unknownProfile.TryReadNext(out _, out _), Is.False);
    }

    [Test]
    public void RejectsPacketsWhoseFieldsLie()
    {
        byte[] valid = BuildAudioPacket(withCsrcAndLevel: true, padding: 4);
        Assert.That(RtpHeader.TryParse(valid, out _), Is.True);

        Assert.That(RtpHeader.TryParse(valid.AsSpan(0, 11), out _), Is.False, "shorter than the fixed header");
        Assert.That(RtpHeader.TryParse(PacketMutator.With(valid, 0, (byte)(valid[0] & 0x3F | 0x40)), out _), Is.False, "version 1");
        Assert.That(RtpHeader.TryParse(valid.AsSpan(0, 12 + 4), out _), Is.False, "CSRC count beyond the packet");
        Assert.That(RtpHeader.TryParse(PacketMutator.With(valid, 23, 0xFF), out _), Is.False, "extension length beyond the packet");
        Assert.That(RtpHeader.TryParse(PacketMutator.With(valid, valid.Length - 1, 0), out _), Is.False, "padding count 0");
        Assert.That(RtpHeader.TryParse(PacketMutator.With(valid, valid.Length - 1, 200), out _), Is.False, "padding longer than the payload");
        Assert.That(RtpHeader.TryParse([], out _), Is.False);
    }

    [Test]
    public void WriteRejectsBadArguments()
    {
        var header = new RtpHeader(0, 1, 2, 3);
        Assert.Throws<ArgumentException>(() => header.Write(new byte[20], new byte[10]));
        Assert.Throws<ArgumentException>(() => header.Write(new byte[40], [], new byte[4]), "extension data without X");
        Assert.Throws<ArgumentException>(() => header.WithExtension().Write(new byte[40], [], new byte[3]), "not a multiple of 4");
        Assert.Throws<ArgumentException>(() => header.WithCsrcs(new uint[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new RtpHeader(128, 0, 0, 0));
    }

    [TestCase(new byte[] { 0x80, 200, 0, 6 }, true)]
    [TestCase(new byte[] { 0x80, 200 }, false)] // too short for an RTCP header
    [TestCase(new byte[] { 0x81, 201, 0, 7 }, true)]
    [TestCase(new byte[] { 0x80, 223, 0, 1 }, true)]
    [TestCase(new byte[] { 0x80, 224, 0, 1 }, false)]
    [TestCase(new byte[] { 0x80, 0x6F, 0, 1 }, false)]
    [TestCase(new byte[] { 0x80, 0xEF, 0, 1 }, false)] // PT 111 with the marker bit
    [TestCase(new byte[] { 0x80, 0x80, 0, 1 }, false)]
    [TestCase(new byte[] { 0x40, 200, 0, 1 }, false)]
    public void DemultiplexesRtcpFromRtp(byte[] packet, bool isRtcp) => Assert.That(RtcpMux.IsRtcp(packet), Is.EqualTo(isRtcp));

    [Test]
    public void AudioLevelReadsWritesAndMeasures()
    {
        Assert.That(RtpAudioLevel.Encode(true, 0), Is.EqualTo(0x80));
        Assert.That(RtpAudioLevel.Encode(false, 500), Is.EqualTo(127));
        Assert.That(RtpAudioLevel.TryRead([], out _, out _), Is.False);
        Assert.That(RtpAudioLevel.FromSamples(Enumerable.Repeat((short)-32768, 160).ToArray()), Is.Zero);
        Assert.That(RtpAudioLevel.FromSamples(new short[160]), Is.EqualTo(RtpAudioLevel.Silence));
        // A square wave at a tenth of full scale is -20 dBov.
        var tenth = Enumerable.Range(0, 160).Select(i => (short)(i % 2 == 0 ? 3277 : -3277)).ToArray();
        Assert.That(RtpAudioLevel.FromSamples(tenth), Is.EqualTo(20));
    }

    [Test]
    public void SeededMutationsNeverThrowAndAcceptedPacketsReserialise()
    {
        byte[][] seeds =
        [
            BuildAudioPacket(false), BuildAudioPacket(true), BuildAudioPacket(true, padding: 3, payloadLength: 20),
            ChromeOneByteExtension, ChromeTwoByteExtension,
        ];
        var random = new Random(3550);
        int accepted = 0;
        var buffer = new byte[2048];
        for (int i = 0; i < 5000; i++)
        {
            byte[] packet = PacketMutator.Mutate(random, seeds[i % seeds.Length]);
            if (!RtpHeader.TryParse(packet, out var header))
                continue;
            accepted++;
            Assert.That(header.PayloadOffset + header.PayloadLength + header.PaddingLength, Is.EqualTo(packet.Length), $"case {i}");
            var reader = new RtpHeaderExtensionReader(header.ExtensionProfile, header.GetExtensionData(packet));
            while (reader.TryReadNext(out _, out var value))
                Assert.That(value.Length, Is.LessThanOrEqualTo(header.ExtensionLength));

            int written = header.Write(buffer, header.GetPayload(packet), header.GetExtensionData(packet), header.PaddingLength);
            Assert.That(written, Is.EqualTo(packet.Length), $"case {i}");
            // Identical up to the padding bytes, which the writer zeroes.
            int unpadded = packet.Length - header.PaddingLength;
            Assert.That(buffer.AsSpan(0, unpadded).SequenceEqual(packet.AsSpan(0, unpadded)), Is.True, $"case {i}");
            Assert.That(RtpHeader.TryParse(buffer.AsSpan(0, written), out var again), Is.True);
            Assert.That(again.CsrcCount == header.CsrcCount && again.PaddingLength == header.PaddingLength, Is.True);
        }

        // The seeds are valid, so some mutants (payload bit flips) must survive; most header damage must not.
        Assert.That(accepted, Is.InRange(500, 4900));
    }
}
