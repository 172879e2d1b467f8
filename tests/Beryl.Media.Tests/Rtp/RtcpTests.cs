using System.Text;
using Beryl.Media.Rtp;

namespace Beryl.Media.Tests.Rtp;

[TestFixture]
public sealed class RtcpTests
{
    // A Chrome transport-wide congestion control feedback (RTPFB, FMT 15) as captured
    // (olivermichel/webrtc-analysis test data); padded by one byte.
    private static readonly byte[] ChromeTransportFeedback =
    [
        0xAF, 0xCD, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0xDD, 0x58, 0x6E, 0xB6, 0x00, 0x01, 0x00, 0x09,
        0x5E, 0x91, 0x10, 0x00, 0x20, 0x09, 0x1C, 0x0C, 0x2C, 0x38, 0x00, 0x04, 0x00, 0x08, 0x18, 0x01,
    ];

    private static readonly RtcpReportBlock[] Blocks =
    [
        new(0x11111111, 25, 1000, 0x0001FFFF, 480, 0xAABBCCDD, 65536),
        new(0x22222222, 255, -3, 17, 0, 0, 0),
    ];

    private static readonly RtcpSenderInfo Info = new(0xE5A1B2C3_80000000, 160_000, 1000, 160_000);

    internal static byte[] BuildCompound()
    {
        var buffer = new byte[512];
        int length = RtcpWriter.WriteSenderReport(buffer, 0xCAFEBABE, Info, Blocks);
        length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), 0xCAFEBABE, "beryl@example"u8);
        length += RtcpWriter.WriteGoodbye(buffer.AsSpan(length), [0xCAFEBABE, 0x01020304], "shutdown"u8);
        return buffer[..length];
    }

    [Test]
    public void CompoundOfSenderReportSdesAndByeRoundTrips()
    {
        byte[] compound = BuildCompound();
        var reader = new RtcpCompoundReader(compound);
        Assert.That(reader.IsMalformed, Is.False);

        Assert.That(reader.TryReadNext(out var packet), Is.True);
        Assert.That(packet.Type, Is.EqualTo(RtcpPacketType.SenderReport));
        Assert.That(RtcpReport.TryParse(packet, out var report), Is.True);
        Assert.That(report.IsSenderReport, Is.True);
        Assert.That(report.Ssrc, Is.EqualTo(0xCAFEBABE));
        Assert.That(report.SenderInfo, Is.EqualTo(Info));
        Assert.That(report.ReportBlockCount, Is.EqualTo(2));
        Assert.That(report.GetReportBlock(0), Is.EqualTo(Blocks[0]));
        Assert.That(report.GetReportBlock(1), Is.EqualTo(Blocks[1]));
        Assert.That(report.ProfileExtension.IsEmpty, Is.True);

        Assert.That(reader.TryReadNext(out packet), Is.True);
        Assert.That(RtcpSourceDescriptionReader.TryGetCname(packet, out uint ssrc, out var cname), Is.True);
        Assert.That((ssrc, Encoding.UTF8.GetString(cname)), Is.EqualTo((0xCAFEBABE, "beryl@example")));

        Assert.That(reader.TryReadNext(out packet), Is.True);
        Assert.That(RtcpGoodbye.TryParse(packet, out var bye), Is.True);
        Assert.That((bye.SourceCount, bye.GetSsrc(1), Encoding.UTF8.GetString(bye.Reason)), Is.EqualTo((2, 0x01020304u, "shutdown")));

        Assert.That(reader.TryReadNext(out _), Is.False);
    }

    [Test]
    public void WritesTheSameCompoundAsAiortc()
    {
        // aiortc 1.4 (python3-aiortc on this machine): SR with one report block (cumulative loss -2), SDES CNAME, BYE.
        byte[] aiortc = Convert.FromHexString(
            "81c8000c5f1ddd05e9a1b2c380000000b2d061c00000003200001f40cafebabe0cfffffe0001117000000021b70520000005400081ca000b5f1ddd05012430343865333166352d373466662d346331332d623063322d346161346238303831663865000081cb00015f1ddd05");
        var block = new RtcpReportBlock(0xCAFEBABE, 12, -2, 70000, 33, 0xB7052000, 0x54000);
        var buffer = new byte[256];
        int length = RtcpWriter.WriteSenderReport(buffer, 1595792645, new RtcpSenderInfo(0xE9A1B2C380000000, 3000000960, 50, 8000), [block]);
        length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), 1595792645, "048e31f5-74ff-4c13-b0c2-4aa4b8081f8e"u8);
        length += RtcpWriter.WriteGoodbye(buffer.AsSpan(length), [1595792645]);
        Assert.That(Convert.ToHexString(buffer, 0, length), Is.EqualTo(Convert.ToHexString(aiortc)));

        var reader = new RtcpCompoundReader(aiortc);
        Assert.That(reader.TryReadNext(out var packet), Is.True);
        Assert.That(RtcpReport.TryParse(packet, out var report), Is.True);
        Assert.That(report.GetReportBlock(0), Is.EqualTo(block));
    }

    [Test]
    public void SenderReportMatchesTheRfcLayoutByteForByte()
    {
        var buffer = new byte[64];
        int length = RtcpWriter.WriteSenderReport(buffer, 0x01020304, Info, Blocks.AsSpan(0, 1));
        byte[] expected =
        [
            0x81, 200, 0x00, 12, 0x01, 0x02, 0x03, 0x04,                 // V=2 RC=1 SR, length 12 words, SSRC
            0xE5, 0xA1, 0xB2, 0xC3, 0x80, 0x00, 0x00, 0x00,               // NTP
            0x00, 0x02, 0x71, 0x00, 0x00, 0x00, 0x03, 0xE8, 0x00, 0x02, 0x71, 0x00, // RTP ts, packets, octets
            0x11, 0x11, 0x11, 0x11, 25, 0x00, 0x03, 0xE8,                 // SSRC_1, fraction, cumulative lost
            0x00, 0x01, 0xFF, 0xFF, 0x00, 0x00, 0x01, 0xE0,               // extended highest seq, jitter
            0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x01, 0x00, 0x00,               // LSR, DLSR
        ];
        Assert.That(buffer[..length], Is.EqualTo(expected));
    }

    [Test]
    public void ReceiverReportCarriesANegativeCumulativeLoss()
    {
        var buffer = new byte[64];
        int length = RtcpWriter.WriteReceiverReport(buffer, 7, [Blocks[1] with { CumulativeLost = -8_000_000 }]);
        Assert.That(buffer[13..16], Is.EqualTo(new byte[] { 0x85, 0xEE, 0x00 })); // two's complement of -8,000,000 in 24 bits
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, length));
        Assert.That(reader.TryReadNext(out var packet), Is.True);
        Assert.That(RtcpReport.TryParse(packet, out var report), Is.True);
        Assert.That(report.IsSenderReport, Is.False);
        Assert.That(report.GetReportBlock(0).CumulativeLost, Is.EqualTo(-8_000_000));

        RtcpWriter.WriteReceiverReport(buffer, 7, [Blocks[1] with { CumulativeLost = int.MinValue }]);
        Assert.That(RtcpReportBlockAt(buffer).CumulativeLost, Is.EqualTo(RtcpReportBlock.MinCumulativeLost), "clamped to 24 bits");
    }

    private static RtcpReportBlock RtcpReportBlockAt(byte[] receiverReport)
    {
        var reader = new RtcpCompoundReader(receiverReport.AsSpan(0, 32));
        Assert.That(reader.TryReadNext(out var packet), Is.True);
        Assert.That(RtcpReport.TryParse(packet, out var report), Is.True);
        return report.GetReportBlock(0);
    }

    [Test]
    public void UnknownTypesAreSkippedAndIterationContinues()
    {
        var buffer = new byte[256];
        int length = RtcpWriter.WriteReceiverReport(buffer, 1, []);
        byte[] xr = [0x80, 207, 0x00, 0x02, 0, 0, 0, 1, 0xAA, 0xBB, 0xCC, 0xDD];
        xr.CopyTo(buffer, length);
        length += xr.Length;
        length += RtcpWriter.WriteSourceDescription(buffer.AsSpan(length), 1, "x"u8);
        ChromeTransportFeedback.CopyTo(buffer, length); // padded, so it must come last
        length += ChromeTransportFeedback.Length;

        var types = new List<RtcpPacketType>();
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, length));
        while (reader.TryReadNext(out var packet))
        {
            types.Add(packet.Type);
            if (packet.Type == RtcpPacketType.TransportFeedback)
            {
                Assert.That((packet.Count, packet.HasPadding, packet.Length, packet.Body.Length), Is.EqualTo((15, true, 32, 27)));
                Assert.That(RtcpReport.TryParse(packet, out _), Is.False);
            }
        }

        Assert.That(types, Is.EqualTo(new[]
        {
            RtcpPacketType.ReceiverReport, RtcpPacketType.ExtendedReport, RtcpPacketType.SourceDescription, RtcpPacketType.TransportFeedback,
        }));
    }

    [Test]
    public void SdesReaderWalksEveryItemOfEveryChunk()
    {
        byte[] sdes =
        [
            0x82, 202, 0x00, 0x06,
            0, 0, 0, 1, 1, 3, (byte)'a', (byte)'b', (byte)'c', 6, 1, (byte)'t', 0, 0, 0, 0, // chunk 1: CNAME, TOOL, end + pad
            0, 0, 0, 2, 1, 1, (byte)'z', 0,                                                 // chunk 2: CNAME, end
        ];
        var reader = new RtcpCompoundReader(sdes);
        Assert.That(reader.TryReadNext(out var packet), Is.True);
        var items = new List<string>();
        var sdesReader = new RtcpSourceDescriptionReader(packet);
        while (sdesReader.TryReadNext(out uint ssrc, out var type, out var text))
            items.Add($"{ssrc}/{type}/{Encoding.ASCII.GetString(text)}");
        Assert.That(sdesReader.IsMalformed, Is.False);
        Assert.That(items, Is.EqualTo(new[] { "1/Cname/abc", "1/Tool/t", "2/Cname/z" }));

        sdes[9] = 200; // item length past the packet
        reader = new RtcpCompoundReader(sdes);
        Assert.That(reader.TryReadNext(out packet), Is.True);
        sdesReader = new RtcpSourceDescriptionReader(packet);
        Assert.That(sdesReader.TryReadNext(out _, out _, out _), Is.False);
        Assert.That(sdesReader.IsMalformed, Is.True);
    }

    [Test]
    public void CompoundsWhoseLengthsLieYieldNothing()
    {
        byte[] valid = BuildCompound();
        Assert.That(RtcpCompoundReader.IsWellFormed(valid), Is.True);

        AssertRejected(valid[..^4], "last packet cut short");
        AssertRejected([.. valid, 0x80], "a stray byte after the last packet");
        AssertRejected(PacketMutator.With(valid, 3, 0xFF), "first length beyond the compound");
        AssertRejected(PacketMutator.With(valid, 0, 0x41), "version 1");
        AssertRejected(PacketMutator.With(valid, 0, (byte)(valid[0] | 0x20)), "padding on a packet that is not last");
        AssertRejected([.. ChromeTransportFeedback[..^1], 0x00], "padding count 0");
        AssertRejected([.. ChromeTransportFeedback[..^1], 0x40], "padding longer than the packet");
        AssertRejected([], "empty");
        AssertRejected([0x80, 200, 0], "shorter than a header");

        Assert.That(RtcpCompoundReader.IsWellFormed(ChromeTransportFeedback), Is.True);
    }

    private static void AssertRejected(byte[] compound, string why)
    {
        var reader = new RtcpCompoundReader(compound);
        Assert.That(reader.IsMalformed, Is.True, why);
        Assert.That(reader.TryReadNext(out _), Is.False, why);
    }

    [Test]
    public void ReportsAndByesWhoseCountsOverrunTheirBodyAreRejected()
    {
        byte[] rr = [0x81, 201, 0x00, 0x01, 0, 0, 0, 1]; // says one block, has none
        var reader = new RtcpCompoundReader(rr);
        Assert.That(reader.TryReadNext(out var packet), Is.True);
        Assert.That(RtcpReport.TryParse(packet, out _), Is.False);

        byte[] bye = [0x81, 203, 0x00, 0x02, 0, 0, 0, 1, 9, (byte)'a', 0, 0]; // reason length 9 in 3 bytes
        reader = new RtcpCompoundReader(bye);
        Assert.That(reader.TryReadNext(out packet), Is.True);
        Assert.That(RtcpGoodbye.TryParse(packet, out _), Is.False);
    }

    [Test]
    public void WritersRejectWhatTheFormatCannotHold()
    {
        Assert.Throws<ArgumentException>(() => RtcpWriter.WriteReceiverReport(new byte[1024], 1, new RtcpReportBlock[32]));
        Assert.Throws<ArgumentException>(() => RtcpWriter.WriteReceiverReport(new byte[16], 1, new RtcpReportBlock[1]));
        Assert.Throws<ArgumentException>(() => RtcpWriter.WriteSourceDescription(new byte[1024], 1, new byte[256]));
        Assert.Throws<ArgumentException>(() => RtcpWriter.WriteGoodbye(new byte[1024], [1], new byte[256]));
    }

    [Test]
    public void SeededMutationsNeverThrowAndAcceptedReportsReserialise()
    {
        var random = new Random(5761);
        var reportThenFeedback = new byte[256];
        int length = RtcpWriter.WriteReceiverReport(reportThenFeedback, 9, Blocks);
        length += RtcpWriter.WriteSourceDescription(reportThenFeedback.AsSpan(length), 9, "{7a1d3c1e-5b7e-4b61-8f0b-6c3b8b0a2d11}"u8);
        ChromeTransportFeedback.CopyTo(reportThenFeedback, length);
        byte[][] seeds = [BuildCompound(), ChromeTransportFeedback, reportThenFeedback[..(length + ChromeTransportFeedback.Length)]];
        Assert.That(seeds.All(s => RtcpCompoundReader.IsWellFormed(s)), Is.True);
        var buffer = new byte[2048];
        int wellFormed = 0, reports = 0;
        for (int i = 0; i < 5000; i++)
        {
            byte[] compound = PacketMutator.Mutate(random, seeds[i % seeds.Length]);
            var reader = new RtcpCompoundReader(compound);
            if (!reader.IsMalformed)
                wellFormed++;
            int total = 0;
            while (reader.TryReadNext(out var packet))
            {
                total += packet.Length;
                if (RtcpReport.TryParse(packet, out var report))
                {
                    reports++;
                    var blocks = new RtcpReportBlock[report.ReportBlockCount];
                    for (int b = 0; b < blocks.Length; b++)
                        blocks[b] = report.GetReportBlock(b);
                    int written = report.IsSenderReport
                        ? RtcpWriter.WriteSenderReport(buffer, report.Ssrc, report.SenderInfo, blocks)
                        : RtcpWriter.WriteReceiverReport(buffer, report.Ssrc, blocks);
                    Assert.That(written, Is.EqualTo(packet.Length - report.ProfileExtension.Length - (packet.Length - 4 - packet.Body.Length)), $"case {i}");
                    var again = new RtcpCompoundReader(buffer.AsSpan(0, written));
                    Assert.That(again.TryReadNext(out var rewritten), Is.True, $"case {i}");
                    Assert.That(RtcpReport.TryParse(rewritten, out var reparsed), Is.True, $"case {i}");
                    Assert.That((reparsed.Ssrc, reparsed.SenderInfo, reparsed.ReportBlockCount), Is.EqualTo((report.Ssrc, report.SenderInfo, report.ReportBlockCount)));
                }
                else if (RtcpGoodbye.TryParse(packet, out var bye))
                {
                    Assert.That(4 * bye.SourceCount + bye.Reason.Length, Is.LessThanOrEqualTo(packet.Body.Length));
                }
                else if (packet.Type == RtcpPacketType.SourceDescription)
                {
                    var sdes = new RtcpSourceDescriptionReader(packet);
                    while (sdes.TryReadNext(out _, out _, out var text))
                        Assert.That(text.Length, Is.LessThan(packet.Body.Length));
                }
            }

            Assert.That(total, Is.EqualTo(reader.IsMalformed ? 0 : compound.Length), $"case {i}");
        }

        Assert.That(wellFormed, Is.InRange(300, 4900));
        Assert.That(reports, Is.GreaterThan(300));
    }
}
