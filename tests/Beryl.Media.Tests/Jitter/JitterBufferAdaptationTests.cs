using Beryl.Media.Jitter;

namespace Beryl.Media.Tests.Jitter;

public sealed class JitterBufferAdaptationTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void TargetDelayFollowsJitterUpAndBackDownWithFewLatePackets(bool pareto)
    {
        var network = new NetworkSimulator(11);
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), network);
        rig.Run(5);
        var calm = rig.Buffer.GetStatistics();

        network.JitterMs = pareto ? 20 : 30;
        network.Pareto = pareto;
        rig.Run(40);
        var jittery = rig.Buffer.GetStatistics();

        var after = CalmDown(rig, 20);

        TestContext.Out.WriteLine($"calm {calm}\njittery {jittery}\nafter {after}");
        Assert.That(calm.TargetDelayMs, Is.LessThan(30));
        Assert.That(jittery.TargetDelayMs, Is.GreaterThan(calm.TargetDelayMs + 40));
        Assert.That(jittery.JitterMs, Is.GreaterThan(5));
        long packets = jittery.PacketsReceived - calm.PacketsReceived;
        Assert.That((double)(jittery.Late - calm.Late) / packets, Is.LessThan(0.02), "late share while jittery");
        Assert.That(jittery.Expansions, Is.GreaterThan(0), "the level was raised to the new target");

        AssertBackDown(after);
        Assert.That(after.Accelerations, Is.GreaterThan(jittery.Accelerations));
    }

    // A rough first second (a sender warming up) must not hold the delay up for a whole window: by the time a
    // call has something to say, the buffer is back down, so what it plays (and the echo of it) stops moving.
    [Test]
    public void AStartUpBurstIsForgottenWithinTwoSeconds()
    {
        var network = new NetworkSimulator(7) { JitterMs = 150 };
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1), network);
        rig.Run(1);
        var rough = rig.Buffer.GetStatistics();
        var settled = CalmDown(rig, 2);

        TestContext.Out.WriteLine($"rough start {rough}\nafter 2 s {settled}");
        Assert.That(rough.TargetDelayMs, Is.GreaterThan(100), "the burst raised the target");
        AssertBackDown(settled);
    }

    [TestCase(500)]
    [TestCase(-500)]
    [TestCase(1000)]
    [TestCase(-1000)]
    public void ClockDriftIsAbsorbedByTimeStretching(double skewPpm)
    {
        var network = new NetworkSimulator(5) { JitterMs = 2 };
        var rig = new JitterRig(new TestSender(8000, 1, 20, ssrc: 1, skewPpm: skewPpm), network);
        const double minutes = 3;
        rig.Run(minutes * 60);

        var s = rig.Buffer.GetStatistics();
        var steady = rig.History.Skip(500).ToList();
        double lowest = steady.Min(h => h.CurrentDelayMs), highest = steady.Max(h => h.CurrentDelayMs);
        TestContext.Out.WriteLine($"{s}\nlevel {lowest:F1}..{highest:F1} ms");
        Assert.That(lowest, Is.GreaterThan(10), "never starves");
        Assert.That(highest, Is.LessThan(s.TargetDelayMs + 40), "never piles up");
        Assert.That(s.Underruns, Is.Zero);
        Assert.That(s.ConcealedFrames, Is.Zero);

        // The stretches must add up to the drift: |skew| × duration of audio removed or inserted (each 2.5..12.5 ms).
        double driftMs = Math.Abs(skewPpm) * 1e-6 * minutes * 60_000;
        long stretches = skewPpm > 0 ? s.Accelerations : s.Expansions;
        long opposite = skewPpm > 0 ? s.Expansions : s.Accelerations;
        Assert.That(stretches, Is.InRange((long)(driftMs / 12.5) - 2, (long)(driftMs / 2.5) + 2));
        Assert.That(opposite, Is.LessThanOrEqualTo(2));
        JitterRig.AssertAccounted(s);
    }

    /// <summary>Takes the jitter off the rig's network for <paramref name="seconds"/> and returns the statistics then.</summary>
    private static JitterBufferStatistics CalmDown(JitterRig rig, double seconds)
    {
        rig.Network.JitterMs = 0;
        rig.Run(seconds);
        return rig.Buffer.GetStatistics();
    }

    /// <summary>The jitter has left the buffer's window, and its level has been played back down to the target.</summary>
    private static void AssertBackDown(JitterBufferStatistics settled)
    {
        Assert.That(settled.TargetDelayMs, Is.LessThan(30), "the jitter has left the window");
        Assert.That(settled.CurrentDelayMs, Is.LessThan(settled.TargetDelayMs + 25), "accelerated back down");
        JitterRig.AssertAccounted(settled);
    }
}
