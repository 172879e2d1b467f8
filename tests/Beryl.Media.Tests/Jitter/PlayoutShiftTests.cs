using Beryl.Media.Jitter;

namespace Beryl.Media.Tests.Jitter;

/// <summary>
/// <see cref="JitterBuffer.PlayoutShiftFrames"/> against where the sender's samples really play: wherever a sample is
/// found in the output, its lag behind the sender's timing has moved by exactly the shift reported for that read.
/// </summary>
public sealed class PlayoutShiftTests
{
    private const int Rate = 8000;

    [TestCase(3000.0)]
    [TestCase(-3000.0)]
    public void Time_stretching_against_a_drifting_sender_is_reported_to_the_frame(double skewPpm)
    {
        var rig = new JitterRig(new TestSender(Rate, 1, 20, ssrc: 7, skewPpm: skewPpm), new NetworkSimulator(3) { JitterMs = 3 });
        var shifts = Run(rig, seconds: 24);

        var (checks, misses, moved) = Compare(rig, shifts, fromSecond: 2, toSecond: 22);
        TestContext.Out.WriteLine($"{checks} samples found, {misses} off; shift moved {moved} frames; {rig.Buffer.GetStatistics()}");
        Assert.That(checks, Is.GreaterThan(150));
        Assert.That(misses, Is.LessThanOrEqualTo(checks / 50), "only samples in a read where the shift changed may differ");
        // 3000 ppm over 20 s is 60 ms, 480 frames, less what the level band absorbs: a fast sender's excess is cut out (played earlier), a slow one's lack filled in.
        Assert.That(moved, skewPpm > 0 ? Is.LessThan(-150) : Is.GreaterThan(150));
    }

    [Test]
    public void A_stall_that_the_buffer_waits_out_moves_the_playout_and_a_lost_packet_does_not()
    {
        var network = new NetworkSimulator(4);
        var rig = new JitterRig(new TestSender(Rate, 1, 20, ssrc: 8), network);
        int sent = 0;
        // Packet 150 (3 s) is lost; from 6 s the path is 150 ms longer, as when a route changes.
        rig.Filter = _ => ++sent != 150;
        var shifts = Run(rig, seconds: 6);
        long beforeStall = shifts[^1];
        network.BaseDelayMs += 150;
        shifts.AddRange(Run(rig, seconds: 6));

        var (checks, misses, moved) = Compare(rig, shifts, fromSecond: 1, toSecond: 11);
        TestContext.Out.WriteLine($"{checks} samples found, {misses} off; shift {beforeStall} before the stall, {shifts[^1]} after; {rig.Buffer.GetStatistics()}");
        Assert.That(rig.Buffer.GetStatistics().Lost, Is.EqualTo(1), "the packet was lost, not late");
        Assert.That(beforeStall, Is.Zero, "concealing a lost packet takes its place on the timeline");
        Assert.That(checks, Is.GreaterThan(80));
        Assert.That(misses, Is.LessThanOrEqualTo(checks / 50));
        Assert.That(moved, Is.GreaterThan(100), "the wait for the late packets plays everything after it later");
    }

    private static List<long> Run(JitterRig rig, double seconds)
    {
        var shifts = new List<long>();
        for (int read = 0; read < seconds * 100; read++)
        {
            rig.Run(0.01);
            shifts.Add(rig.Buffer.PlayoutShiftFrames);
        }
        return shifts;
    }

    // Every 100 ms of the sender's audio: where it plays, and whether its lag moved as the shift reported after its read.
    private static (int Checks, int Misses, long Moved) Compare(JitterRig rig, List<long> shifts, int fromSecond, int toSecond)
    {
        int checks = 0, misses = 0, searchFrom = 0;
        long? firstLag = null, firstShift = null;
        long lastShift = 0;
        for (long sample = fromSecond * Rate; sample < toSecond * Rate; sample += Rate / 10)
        {
            int frame = rig.FindFrame(sample, searchFrom);
            if (frame < 0)
                continue;
            searchFrom = frame;
            long lag = frame - sample, shift = shifts[frame / rig.SamplesPer10Ms];
            firstLag ??= lag;
            firstShift ??= shift;
            checks++;
            if (lag - firstLag != shift - firstShift)
                misses++;
            lastShift = shift;
        }
        return (checks, misses, lastShift - (firstShift ?? 0));
    }
}
