using Beryl.Aec.Delay;

namespace Beryl.Aec.Tests.Delay;

public class PathShiftDetectorTests
{
    private const int Rate = 16000, Block = Rate / 100;

    private static readonly float[] Estimate =
        TestSignals.Echo(TestSignals.SpeechLike(4 * Rate, Rate, 0.05, seed: 41), TestSignals.RoomEchoPath(Rate, 60, 0.5, seed: 42), 0);

    // The microphone holds the estimated echo, from frame `from` on moved by `shift` samples (positive: later).
    private static float[] MovedEcho(int shift, int from)
    {
        var mic = new float[Estimate.Length];
        for (int i = 0; i < mic.Length; i++)
        {
            int source = i >= from * Block ? i - shift : i;
            mic[i] = source >= 0 && source < Estimate.Length ? Estimate[source] : 0f;
        }
        return TestSignals.Add(mic, TestSignals.WhiteNoise(mic.Length, 1e-3, seed: 43));
    }

    // Feeds every frame; returns the frame and the shift of the first report, if any.
    private static (int Frame, double Shift)? Run(float[] mic, bool armed)
    {
        var detector = new PathShiftDetector(Rate, simd: true);
        for (int f = 0; f < mic.Length / Block; f++)
            if (detector.Add(mic.AsSpan(f * Block, Block), Estimate.AsSpan(f * Block, Block), armed, out double shift))
                return (f, shift);
        return null;
    }

    [TestCase(320)]    // 20 ms: a jitter buffer that grew by two frames
    [TestCase(-224)]   // 14 ms sooner: one that caught up
    [TestCase(1000)]   // 62.5 ms, near the end of the range
    public void FindsAMoveOfTheWholePathSoonAndToASample(int shift)
    {
        var report = Run(MovedEcho(shift, from: 150), armed: true);
        Assert.That(report, Is.Not.Null, "the move was not found");
        Assert.That(report!.Value.Frame, Is.InRange(150, 150 + 20), "found within a fifth of a second of the move");
        Assert.That(report.Value.Shift, Is.EqualTo(shift).Within(1.5));
    }

    [Test]
    public void ReportsNothingWhileThePathStays() => Assert.That(Run(MovedEcho(0, from: 0), armed: true), Is.Null);

    [Test]
    public void ReportsNothingWhileNotArmed() => Assert.That(Run(MovedEcho(320, from: 150), armed: false), Is.Null);

    [Test]
    public void ReportsNothingForATalkerTheEstimateDoesNotExplain()
    {
        var talker = TestSignals.SpeechLike(Estimate.Length, Rate, 0.05, seed: 44);
        Assert.That(Run(talker, armed: true), Is.Null);
    }

    // Beyond the range, and on its very edge (64 ms less a sample at 8 kHz), where the correlation may still rise past it.
    [TestCase(2400)]
    [TestCase(1022)]
    public void ReportsNothingBeyondItsRange(int shift) => Assert.That(Run(MovedEcho(shift, from: 150), armed: true), Is.Null);
}
