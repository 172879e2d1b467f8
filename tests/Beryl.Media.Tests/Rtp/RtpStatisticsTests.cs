using Beryl.Media.Rtp;

namespace Beryl.Media.Tests.Rtp;

[TestFixture]
public sealed class RtpStatisticsTests
{
    private const uint Ssrc = 0x5EED;

    /// <summary>Feeds packets with 20 ms of 8 kHz audio each, arriving exactly on time.</summary>
    private static RtpReceiverStatistics Receive(IEnumerable<int> sequenceNumbers)
    {
        var stats = new RtpReceiverStatistics(Ssrc);
        foreach (int seq in sequenceNumbers)
        {
            uint timestamp = (uint)(seq * 160);
            stats.OnPacket((ushort)seq, timestamp, timestamp + 4000);
        }

        return stats;
    }

    [Test]
    public void ANewSourceIsOnProbationForItsFirstPacket()
    {
        var stats = new RtpReceiverStatistics(Ssrc);
        Assert.That(stats.OnPacket(100, 0, 0), Is.False);
        Assert.That(stats.IsValid, Is.False);
        Assert.That(stats.OnPacket(101, 160, 160), Is.True);
        Assert.That(stats.IsValid, Is.True);
        Assert.That((stats.PacketsReceived, stats.PacketsExpected, stats.PacketsDiscarded), Is.EqualTo((1L, 1L, 1L)));

        var restless = new RtpReceiverStatistics(Ssrc);
        restless.OnPacket(10, 0, 0);
        restless.OnPacket(50, 0, 0); // out of sequence: probation starts again from here
        Assert.That(restless.IsValid, Is.False);
        Assert.That(restless.OnPacket(51, 0, 0), Is.True);
    }

    [Test]
    public void LossIsCountedAndTheFractionCoversOnlyTheLastInterval()
    {
        // Sequence numbers 0..199 with every tenth one from 20 on dropped: 18 losses.
        var stats = Receive(Enumerable.Range(0, 200).Where(s => s < 20 || s % 10 != 0));
        Assert.That(stats.PacketsExpected, Is.EqualTo(199)); // counting starts at 1, after probation
        Assert.That(stats.CumulativeLost, Is.EqualTo(18));

        var block = stats.CreateReportBlock(NtpTime.Now);
        Assert.Multiple(() =>
        {
            Assert.That(block.Ssrc, Is.EqualTo(Ssrc));
            Assert.That(block.CumulativeLost, Is.EqualTo(18));
            Assert.That(block.FractionLost, Is.EqualTo(18 * 256 / 199));
            Assert.That(block.ExtendedHighestSequenceNumber, Is.EqualTo(199));
            Assert.That(block.LastSenderReport, Is.Zero);
            Assert.That(block.DelaySinceLastSenderReport, Is.Zero);
        });

        for (int seq = 200; seq < 300; seq++)
            stats.OnPacket((ushort)seq, (uint)seq * 160, (uint)seq * 160 + 4000);
        var next = stats.CreateReportBlock(NtpTime.Now);
        Assert.That((next.FractionLost, next.CumulativeLost), Is.EqualTo(((byte)0, 18)));
    }

    [Test]
    public void ReorderedPacketsAreNotLost()
    {
        var order = new List<int>();
        for (int seq = 0; seq < 100; seq += 2)
        {
            order.Add(seq + 1);
            order.Add(seq);
        }

        var stats = Receive(new[] { 1000, 1001 }.Concat(order.Select(s => s + 1002)));
        Assert.That(stats.CumulativeLost, Is.Zero);
        Assert.That(stats.ExtendedHighestSequenceNumber, Is.EqualTo(1101));
        Assert.That(stats.PacketsReceived, Is.EqualTo(101));
    }

    [Test]
    public void DuplicatesMakeTheCumulativeLossNegative()
    {
        var stats = Receive([7, 8, 9, 9, 10, 10, 11]);
        Assert.That(stats.CumulativeLost, Is.EqualTo(-2));
        Assert.That(stats.CreateReportBlock(NtpTime.Now).FractionLost, Is.Zero, "a negative interval loss reports 0");
    }

    [Test]
    public void SequenceWrapAddsACycle()
    {
        var stats = Receive(Enumerable.Range(65530, 20).Select(s => s & 0xFFFF));
        Assert.That(stats.ExtendedHighestSequenceNumber, Is.EqualTo(65536 + 13)); // 65549 wrapped to 13 in cycle 1
        Assert.That(stats.CumulativeLost, Is.Zero);
        Assert.That(stats.PacketsExpected, Is.EqualTo(19));
    }

    [Test]
    public void AJumpIsIgnoredUntilTheNextPacketConfirmsIt()
    {
        var stats = Receive(Enumerable.Range(0, 50));
        Assert.That(stats.OnPacket(20_000, 0, 0), Is.False, "beyond MAX_DROPOUT: held back");
        Assert.That(stats.OnPacket(50, 50 * 160, 50 * 160 + 4000), Is.True, "the old stream goes on");
        Assert.That(stats.OnPacket(30_000, 0, 0), Is.False);
        Assert.That(stats.OnPacket(30_001, 0, 0), Is.True, "two in a row: the sender restarted");
        Assert.That((stats.PacketsReceived, stats.ExtendedHighestSequenceNumber, stats.CumulativeLost), Is.EqualTo((1L, 30_001u, 0L)));
        Assert.That(stats.PacketsDiscarded, Is.EqualTo(3));
    }

    [Test]
    public void JitterMatchesAStraightforwardComputationOfTheRfcFormula()
    {
        var random = new Random(1889);
        var stats = new RtpReceiverStatistics(Ssrc);
        // Timestamps start just below the 32-bit wrap; arrival times (8 kHz units) carry 0..30 ms of random delay.
        long firstTimestamp = uint.MaxValue - 5 * 160;
        double expected = 0;
        long? previousTransit = null;
        for (int i = 0; i < 500; i++)
        {
            long sent = firstTimestamp + i * 160L;
            long arrival = sent + 1234 + random.Next(0, 240);
            stats.OnPacket((ushort)(40_000 + i), (uint)sent, (uint)arrival);

            // J(i) = J(i-1) + (|D(i-1,i)| - J(i-1)) / 16 with D = (Rj - Ri) - (Sj - Si), from the second packet the
            // statistics accept (the first one is spent on probation).
            if (i == 0)
                continue;
            long transit = arrival - sent;
            if (previousTransit is long p)
                expected += (Math.Abs(transit - p) - expected) / 16;
            previousTransit = transit;
        }

        Assert.That(expected, Is.GreaterThan(30), "the schedule must actually jitter");
        Assert.That(stats.Jitter, Is.EqualTo(expected).Within(1e-9));
        Assert.That(stats.CreateReportBlock(NtpTime.Now).Jitter, Is.EqualTo((uint)expected));
    }

    [Test]
    public void RoundTripTimeFollowsTheRfcExample()
    {
        // RFC 3550 section 6.4.1: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 0x0005:4000 -> 6.125 s.
        ulong arrival = 0xB7108000UL << 16;
        Assert.That(NtpTime.RoundTripTime(0xB7052000, 0x00054000, arrival), Is.EqualTo(TimeSpan.FromSeconds(6.125)));
        Assert.That(NtpTime.RoundTripTime(0, 0x00054000, arrival), Is.Null, "no SR answered yet");
        Assert.That(NtpTime.RoundTripTime(0xB7052000, 0x00100000, arrival), Is.Null, "DLSR longer than the whole trip");

        var stats = new RtpReceiverStatistics(Ssrc);
        Assert.That(stats.RoundTripTime, Is.Null);
        ulong ourSr = NtpTime.FromDateTime(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc));
        var block = new RtcpReportBlock(1, 0, 0, 0, 0, NtpTime.ToMiddle32(ourSr), NtpTime.ToShortFormat(TimeSpan.FromMilliseconds(500)));
        stats.OnReportBlock(block, ourSr + (ulong)(0.62 * 4294967296.0));
        Assert.That(stats.RoundTripTime!.Value.TotalMilliseconds, Is.EqualTo(120).Within(0.05));
    }

    [Test]
    public void OurReportBlockEchoesTheLastSenderReport()
    {
        var stats = Receive(Enumerable.Range(0, 10));
        ulong theirSr = 0x0123456789ABCDEF;
        ulong arrived = NtpTime.FromDateTime(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc));
        stats.OnSenderReport(theirSr, arrived);
        var block = stats.CreateReportBlock(arrived + (ulong)(1.5 * 4294967296.0));
        Assert.That(block.LastSenderReport, Is.EqualTo(0x456789AB));
        Assert.That(block.DelaySinceLastSenderReport, Is.InRange(98303u, 98304u)); // 1.5 s in 1/65536 s
    }

    [Test]
    public void SenderStatisticsMapWallclockToTheRtpClock()
    {
        var stats = new RtpSenderStatistics(Ssrc, 48000);
        Assert.That(stats.HasSent, Is.False);
        ulong start = NtpTime.FromDateTime(new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc));
        ulong twentyMs = (ulong)(0.02 * 4294967296.0);
        for (int i = 0; i < 50; i++)
            stats.OnPacketSent(uint.MaxValue - 1000 + (uint)(i * 960), 120, start + (ulong)i * twentyMs);

        ulong now = start + 50 * twentyMs + twentyMs / 2; // 30 ms after the last packet
        var info = stats.CreateSenderInfo(now);
        Assert.That(info.NtpTimestamp, Is.EqualTo(now));
        Assert.That(info.RtpTimestamp, Is.EqualTo(unchecked(uint.MaxValue - 1000 + 49 * 960 + 1440)), "wraps like RTP timestamps");
        Assert.That((info.PacketCount, info.OctetCount), Is.EqualTo((50u, 6000u)));
    }

    [Test]
    public void NtpTimeConvertsBothWays()
    {
        Assert.That(NtpTime.FromDateTime(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)), Is.EqualTo(2208988800UL << 32));
        var when = new DateTime(2026, 11, 21, 1, 2, 3, 456, DateTimeKind.Utc);
        Assert.That(NtpTime.ToDateTime(NtpTime.FromDateTime(when)), Is.EqualTo(when).Within(TimeSpan.FromTicks(1)));
        Assert.That(NtpTime.FromDateTime(when) & 0xFFFFFFFF, Is.EqualTo((ulong)(0.456 * 4294967296.0)).Within(500));
        Assert.That(NtpTime.ToShortFormat(TimeSpan.FromSeconds(2)), Is.EqualTo(0x20000));
        Assert.That(NtpTime.FromShortFormat(0x8000), Is.EqualTo(TimeSpan.FromMilliseconds(500)));
        Assert.That(NtpTime.ToShortFormat(TimeSpan.FromDays(1)), Is.EqualTo(uint.MaxValue), "saturates");
    }

    [Test]
    public void ThePerPacketPathsDoNotAllocate()
    {
        byte[] packet = RtpHeaderTests.BuildAudioPacket(withCsrcAndLevel: true);
        var output = new byte[packet.Length];
        var stats = new RtpReceiverStatistics(Ssrc);
        RunPerPacket(packet, output, stats, 100); // JIT and static tables first
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunPerPacket(packet, output, stats, 10_000);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static void RunPerPacket(byte[] packet, byte[] output, RtpReceiverStatistics stats, int count)
    {
        for (int i = 0; i < count; i++)
        {
            RtpHeader.TryParse(packet, out var header);
            header.TryGetExtensionElement(packet, 1, out var level);
            RtpAudioLevel.TryRead(level, out _, out _);
            var next = header with { SequenceNumber = (ushort)(header.SequenceNumber + i) };
            next.Write(output, header.GetPayload(packet), header.GetExtensionData(packet));
            stats.OnPacket(next.SequenceNumber, next.Timestamp, next.Timestamp);
            RtcpMux.IsRtcp(packet);

            var block = stats.CreateReportBlock((ulong)i << 20);
            int length = RtcpWriter.WriteReceiverReport(output, 1, new ReadOnlySpan<RtcpReportBlock>(in block));
            var reader = new RtcpCompoundReader(output.AsSpan(0, length));
            while (reader.TryReadNext(out var rtcp))
            {
                if (RtcpReport.TryParse(rtcp, out var report))
                    stats.OnReportBlock(report.GetReportBlock(0), (ulong)i << 20);
            }
        }
    }
}
