using Beryl.Aec.Delay;

namespace Beryl.Aec.Tests.Delay;

public class PathShiftDetectorTests
{
    private const int Rate = 16000, Block = Rate / 100;

    private static readonly float[] Estimate =
        TestSignals.Echo(TestSignals.SpeechLike(4 * Rate, Rate, 0.05, seed: 41), TestSignals.RoomEchoPath(Rate, 60, 0.5, seed: 42), 0);

    // The microphone holds the estimated echo, from frame `from` on moved by `shift` samples (positive: later).
    private static float[] MovedEcho(int shift, int from) => Moved(Estimate, shift, from);

    private static float[] Moved(float[] estimate, int shift, int from)
    {
        var mic = new float[estimate.Length];
        for (int i = 0; i < mic.Length; i++)
        {
            int source = i >= from * Block ? i - shift : i;
            mic[i] = source >= 0 && source < estimate.Length ? estimate[source] : 0f;
        }
        return TestSignals.Add(mic, TestSignals.WhiteNoise(mic.Length, 1e-3, seed: 43));
    }

    // Feeds every frame; returns the frame and the shift of the first report, if any.
    private static (int Frame, double Shift)? Run(float[] mic, bool armed, float[]? estimate = null)
    {
        estimate ??= Estimate;
        var detector = new PathShiftDetector(Rate, simd: true);
        for (int f = 0; f < mic.Length / Block; f++)
            if (detector.Add(mic.AsSpan(f * Block, Block), estimate.AsSpan(f * Block, Block), armed, out double shift))
                return (f, shift);
        return null;
    }

    [TestCase(320)]    // 20 ms: a jitter buffer that grew by two frames
    [TestCase(-224)]   // 14 ms sooner: one that caught up
    [TestCase(1000)]   // 62.5 ms
    [TestCase(1440)]   // 90 ms: one that waited out a burst of late packets, near the end of the range
    public void FindsAMoveOfTheWholePathSoonAndToASample(int shift)
    {
        var report = Run(MovedEcho(shift, from: 150), armed: true);
        Assert.That(report, Is.Not.Null, "the move was not found");
        Assert.That(report!.Value.Frame, Is.InRange(150, 150 + 20), "found within a fifth of a second of the move");
        Assert.That(report.Value.Shift, Is.EqualTo(shift).Within(1.5));
    }

    // A talker's pitch period is as long as a jitter buffer's typical stretch: a vowel moved by about one period still
    // correlates with itself where it was, and the residual each lag would leave tells the two apart before that fades.
    [TestCase(140)]
    [TestCase(-140)]
    public void FindsAMoveOfAboutOnePitchPeriodOfASustainedVowel(int shift)
    {
        var vowel = SustainedVowel(4 * Rate, pitchHz: 120, formantHz: 300, seed: 45);
        var report = Run(Moved(vowel, shift, from: 150), armed: true, vowel);
        Assert.That(report, Is.Not.Null, "the move was not found");
        // The range searched delays the microphone by 9.6 frames and a move must hold for 3: a detector that waits until
        // the old place's correlation has faded reports it later, while the filter has begun to adapt away from what it knew.
        Assert.That(report!.Value.Frame, Is.InRange(150, 164), "found as soon as the move has held");
        Assert.That(report.Value.Shift, Is.EqualTo(shift).Within(1.5));
    }

    private static float[] SustainedVowel(int length, double pitchHz, double formantHz, int seed)
    {
        var random = new Random(seed);
        var x = new float[length];
        double phase = 0, y1 = 0, y2 = 0, r = 0.97, a1 = -2 * r * Math.Cos(2 * Math.PI * formantHz / Rate), a2 = r * r;
        for (int i = 0; i < length; i++)
        {
            // A pitch that glides by a few percent, as a held vowel's does: a strictly periodic sound has no one lag.
            phase += pitchHz * (1 + 0.05 * Math.Sin(2 * Math.PI * 2 * i / Rate)) / Rate;
            double excitation = 0.05 * (random.NextDouble() - 0.5);
            if (phase >= 1) { phase -= 1; excitation += 1; }
            double y = excitation - a1 * y1 - a2 * y2; y2 = y1; y1 = y;
            x[i] = (float)y;
        }
        return TestSignals.Normalise(x, 0.05);
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

    // Beyond the range, and on its very edge (96 ms less a sample at 8 kHz), where the correlation may still rise past it.
    [TestCase(2400)]
    [TestCase(1534)]
    public void ReportsNothingBeyondItsRange(int shift) => Assert.That(Run(MovedEcho(shift, from: 150), armed: true), Is.Null);
}
