using System.Diagnostics;
using Beryl.Bench.Load;

namespace Beryl.Bench.Tests.Load;

/// <summary>A load run's figures are differences of two marks: ten calls held for ten seconds, with known counters.</summary>
public class LoadResultTests
{
    private const int Calls = 10;
    private const double Seconds = 10;

    private static readonly WindowMark Start = new()
    {
        Timestamp = 1_000,
        NodeCpu = TimeSpan.FromSeconds(3),
        Sent = 1_000,
        Received = 990,
        SentAtNodeStats = 1_000,
        RtpReceived = 1_000,
        Node = new NodeTotals(PacketsReceived: 1_000, PacketsSent: 1_000, AudioErrors: 0, ConcealedMs: 100),
        Machine = new MachineTimes(TimeSpan.FromSeconds(10), TimeSpan.Zero),
        AudioLoad = 0.2,
        EncoderComplexity = 2,
    };

    // 10 calls × 10 s × 50 packets a second each way.
    private static WindowMark End(long echoed, long nodeReceived, long rtpLost = 0, double concealedMs = 100) => Start with
    {
        Timestamp = Start.Timestamp + (long)(Seconds * Stopwatch.Frequency),
        NodeCpu = TimeSpan.FromSeconds(3 + 8),
        Sent = Start.Sent + 5_000,
        Received = Start.Received + echoed,
        SentAtNodeStats = Start.SentAtNodeStats + 5_000,
        RtpReceived = Start.RtpReceived + echoed,
        RtpLost = rtpLost,
        JitterMs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 30],
        Node = new NodeTotals(Start.Node.PacketsReceived + nodeReceived, Start.Node.PacketsSent + 5_000, 0, concealedMs),
        Machine = new MachineTimes(TimeSpan.FromSeconds(10 + 9), TimeSpan.FromSeconds(0.5)),
        AudioLoad = 0.65,
        EncoderComplexity = 1,
    };

    private static LoadResult Measure(WindowMark end)
    {
        var result = new LoadResult { Calls = Calls, IsSeparateNode = true, Connected = Calls };
        result.Measure(Start, end, new ArrivalGaps());
        return result;
    }

    [Test]
    public void Cpu_loss_and_send_rate_are_read_from_the_counters()
    {
        var result = Measure(End(echoed: 4_990, nodeReceived: 5_000, concealedMs: 600));
        Assert.Multiple(() =>
        {
            Assert.That(result.NodeCpuPercent, Is.EqualTo(80).Within(1e-6), "8 s of CPU in 10 s");
            Assert.That(result.CpuMsPerCallSecond, Is.EqualTo(80).Within(1e-6), "800 ms of CPU a second for 10 calls");
            Assert.That(result.OthersCpuPercent, Is.EqualTo(10).Within(1e-6), "the machine was busy 90 %, the node 80 %");
            Assert.That(result.StealPercent, Is.EqualTo(5).Within(1e-6));
            Assert.That(result.EchoLossPercent, Is.EqualTo(0.2).Within(1e-9));
            Assert.That(result.UplinkLossPercent, Is.Zero);
            Assert.That(result.NodeSendRatePercent, Is.EqualTo(100).Within(1e-9));
            Assert.That(result.ConcealedPercent, Is.EqualTo(0.5).Within(1e-9), "500 ms concealed of 100 call-seconds");
            Assert.That(result.JitterMeanMs, Is.EqualTo(7.5).Within(1e-9));
            Assert.That(result.JitterP95Ms, Is.EqualTo(30));
            Assert.That(result.AudioLoad, Is.EqualTo(0.65), "the load at the end of the window");
            Assert.That(result.Complexity, Is.EqualTo("2→1"), "the complexity the node lowered during the window");
            Assert.That(result.Summary(), Does.Contain("audio load 0.65, Opus complexity 2→1"));
        });
    }

    [TestCase(4_980, 5_000, 0, true)]       // 0.4 % of the echo lost
    [TestCase(4_970, 5_000, 0, false)]      // 0.6 %
    [TestCase(5_000, 4_970, 0, false)]      // the node missed 0.6 % of the uplink
    [TestCase(5_000, 5_000, 30, false)]     // the callers counted 0.6 % of the node's stream lost
    public void A_run_passes_under_half_a_percent_of_loss_every_way(long echoed, long nodeReceived, long rtpLost, bool passes)
    {
        Assert.That(Measure(End(echoed, nodeReceived, rtpLost)).Passes(0.5), Is.EqualTo(passes));
    }

    [Test]
    public void A_call_that_did_not_connect_or_dropped_fails_the_run()
    {
        var end = End(echoed: 5_000, nodeReceived: 5_000);
        var missing = new LoadResult { Calls = Calls, Connected = Calls - 1 };
        missing.Measure(Start, end, new ArrivalGaps());
        var dropped = new LoadResult { Calls = Calls, Connected = Calls, Dropped = 1 };
        dropped.Measure(Start, end, new ArrivalGaps());
        Assert.Multiple(() =>
        {
            Assert.That(Measure(end).Passes(0.5), Is.True);
            Assert.That(missing.Passes(0.5), Is.False);
            Assert.That(dropped.Passes(0.5), Is.False);
        });
    }
}
