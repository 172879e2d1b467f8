using Beryl.Media.Jitter;
using Beryl.Media.Rtp;

namespace Beryl.Media.Tests.Jitter;

public sealed class JitterBufferRobustnessTests
{
    private static readonly JitterBufferOptions[] OutOfRange =
    [
        new() { StallHoldMs = -1 },
        new() { StallHoldMs = 600_001 },
        new() { DelayQuantile = 0.4 },
        new() { DelayWindowPackets = 7 },
        new() { MinTargetDelayMs = 50, MaxTargetDelayMs = 40 },
    ];

    [TestCaseSource(nameof(OutOfRange))]
    public void An_option_out_of_range_is_refused_when_the_buffer_is_made(JitterBufferOptions options) =>
        Assert.Throws<ArgumentException>(() => new JitterBuffer(new FakePcmDecoder(), options));

    [Test]
    public void AFloodOfGarbageNeverGrowsMemoryNorThrows()
    {
        var random = new Random(42);
        var options = new JitterBufferOptions { MaxPackets = 32, QueueCapacity = 16, MaxPayloadBytes = 400 };
        var buffer = new JitterBuffer(new FakePcmDecoder(), options);
        const int count = 60_000;
        var headers = new RtpHeader[count];
        var payloads = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            byte type = random.Next(4) == 0 ? (byte)random.Next(128) : FakePcmDecoder.PayloadType;
            uint ssrc = random.Next(4) == 0 ? (uint)random.Next() : 1;
            headers[i] = new RtpHeader(type, (ushort)random.Next(65536), (uint)random.Next() * 2, ssrc);
            payloads[i] = random.Next(3) == 0
                ? FakePcmDecoder.Encode(new short[random.Next(1, 160)], 1)
                : RandomBytes(random, random.Next(0, 500));
        }
        var pcm = new float[80];

        Flood(buffer, headers, payloads, pcm, 0, 2000);
        long allocated = BytesAllocatedBy(() => Flood(buffer, headers, payloads, pcm, 2000, count));

        var s = buffer.GetStatistics();
        TestContext.Out.WriteLine(s);
        Assert.That(allocated, Is.Zero);
        Assert.That(s.BufferedPackets, Is.LessThanOrEqualTo(options.MaxPackets));
        Assert.That(s.PacketsReceived, Is.EqualTo(count));
        Assert.That(s.DroppedOverflow, Is.GreaterThan(0), "bursts of 20 overflow a queue of 16");
        Assert.That(s.DroppedOversized + s.DroppedMalformed + s.DroppedWrongPayloadType + s.DroppedForeignSsrc + s.DroppedDiscontinuous, Is.GreaterThan(count / 2));
        Assert.That(pcm.All(float.IsFinite), Is.True);
        JitterRig.AssertAccounted(s);
    }

    [Test]
    public void InsertAndReadDoNotAllocateOnceWarm()
    {
        // Every path at once: jitter, loss with FEC, reordering, duplicates, drift, corrupt packets.
        var sender = new TestSender(8000, 1, 20, ssrc: 1, fec: true, skewPpm: 1000) { Corrupt = first => first / 160 % 97 == 3 };
        var network = new NetworkSimulator(9) { JitterMs = 15, BurstStartProbability = 0.03, ReorderProbability = 0.05, DuplicateProbability = 0.05 };
        var arrivals = new List<(int Step, SentPacket Packet, long Arrival)>();
        const int steps = 6000;
        for (int step = 1; step <= steps; step++)
        {
            long now = step * 10_000L;
            while (sender.NextSendTimeMicroseconds <= now)
                network.Send(sender.Next());
            while (network.TryReceive(now, out var packet, out long arrival))
                arrivals.Add((step, packet, arrival));
        }

        var decoder = new FakePcmDecoder(supportsFec: true);
        var buffer = new JitterBuffer(decoder, new JitterBufferOptions { MaxPayloadBytes = 700 });
        var pcm = new float[80];
        int next = Play(buffer, arrivals, pcm, 0, 1, 1000);
        long allocated = BytesAllocatedBy(() => Play(buffer, arrivals, pcm, next, 1001, steps));

        var s = buffer.GetStatistics();
        TestContext.Out.WriteLine(s);
        Assert.That(allocated, Is.Zero);
        Assert.That(s.FecRecoveredFrames, Is.GreaterThan(0));
        Assert.That(s.ConcealedFrames, Is.GreaterThan(0));
        Assert.That(s.DecodeErrors + s.Duplicates + s.Accelerations + s.Expansions, Is.GreaterThan(0));
        Assert.That(s.Accelerations + s.Expansions, Is.GreaterThan(0));
    }

    [Test]
    public void InsertAndReadOnTwoThreadsAtOnceKeepCountsConsistent()
    {
        var buffer = new JitterBuffer(new FakePcmDecoder(), new JitterBufferOptions { QueueCapacity = 32 });
        var sender = new TestSender(8000, 1, 20, ssrc: 1);
        var packets = Enumerable.Range(0, 4000).Select(_ => sender.Next()).ToArray();
        using var start = new Barrier(3);
        int producerDone = 0;
        Exception? failure = null;

        void Guard(Action body)
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
            }
        }

        var producer = new Thread(() => Guard(() =>
        {
            start.SignalAndWait();
            var spin = new SpinWait();
            for (int i = 0; i < packets.Length; i++)
            {
                // Mostly keep the queue below full so packets get through, yet let it overflow now and then.
                while (i % 1000 != 0 && buffer.GetStatistics().QueuedPackets >= 24)
                    spin.SpinOnce(sleep1Threshold: -1);
                buffer.Insert(packets[i].Header, packets[i].Payload, packets[i].SendTimeMicroseconds);
            }
            Volatile.Write(ref producerDone, 1);
        }));
        var consumer = new Thread(() => Guard(() =>
        {
            var pcm = new float[80];
            start.SignalAndWait();
            while (Volatile.Read(ref producerDone) == 0)
                buffer.Read(pcm);
            for (int i = 0; i < 100; i++)
                buffer.Read(pcm);
        }));
        var observer = new Thread(() => Guard(() =>
        {
            start.SignalAndWait();
            var previous = buffer.GetStatistics();
            while (Volatile.Read(ref producerDone) == 0)
            {
                var now = buffer.GetStatistics();
                long outcomes = now.PacketsDecoded + now.Late + now.Duplicates + now.Dropped + now.DecodeErrors + now.BufferedPackets;
                if (outcomes > now.PacketsReceived + now.QueuedPackets || now.PacketsDecoded < previous.PacketsDecoded
                    || now.ConcealedFrames < previous.ConcealedFrames || now.PacketsReceived < previous.PacketsReceived)
                    throw new InvalidOperationException($"inconsistent snapshot {now} after {previous}");
                previous = now;
            }
        }));
        producer.Start();
        consumer.Start();
        observer.Start();
        producer.Join();
        consumer.Join();
        observer.Join();

        Assert.That(failure, Is.Null);
        var s = buffer.GetStatistics();
        TestContext.Out.WriteLine(s);
        Assert.That(s.PacketsReceived, Is.EqualTo(packets.Length));
        Assert.That(s.QueuedPackets, Is.Zero);
        // The reader runs flat out, far faster than real time, so how much plays depends on the scheduler; some must.
        Assert.That(s.PacketsDecoded, Is.GreaterThan(0));
        JitterRig.AssertAccounted(s);
    }

    private static void Flood(JitterBuffer buffer, RtpHeader[] headers, byte[][] payloads, float[] pcm, int from, int to)
    {
        for (int i = from; i < to; i++)
        {
            buffer.Insert(headers[i], payloads[i], i * 1000L);
            if (i % 20 == 19)
                buffer.Read(pcm);
        }
    }

    private static int Play(JitterBuffer buffer, List<(int Step, SentPacket Packet, long Arrival)> arrivals, float[] pcm, int next, int fromStep, int toStep)
    {
        for (int step = fromStep; step <= toStep; step++)
        {
            for (; next < arrivals.Count && arrivals[next].Step == step; next++)
                buffer.Insert(arrivals[next].Packet.Header, arrivals[next].Packet.Payload, arrivals[next].Arrival);
            buffer.Read(pcm);
        }
        return next;
    }

    // The delegate is created before the count starts, so only what it runs is measured.
    private static long BytesAllocatedBy(Action run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
