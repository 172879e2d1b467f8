using Beryl.TestVectors;

namespace Beryl.Aec.Tests.Quality;

/// <summary>
/// The whole canceller on generated echo scenarios (synthetic speech and rooms, so these run anywhere),
/// judged with the project's quality metrics. Thresholds sit a few dB under what the canceller reaches,
/// so a real regression fails them.
/// </summary>
[Category("Quality")]
public class EndToEndQualityTests
{
    internal static AecQualityReport Run(Scenario scenario, AecMode mode = AecMode.Full)
    {
        int channels = scenario.Mic.Length, renderChannels = scenario.Far.Length;
        var aec = new EchoCanceller(new EchoCancellerOptions
        {
            Mode = mode, SampleRate = scenario.SampleRate, CaptureChannels = channels, RenderChannels = renderChannels,
        });
        var output = Runner.Run(aec, Interleave(scenario.Far), Interleave(scenario.Mic));
        var report = AecQualityMetrics.Compute(scenario, Deinterleave(output, channels));
        TestContext.Out.WriteLine($"{scenario.Spec.Name} {mode}: ERLE {report.ErleDb:F1} dB, steady {report.ErleSteadyStateDb:F1} dB, " +
            $"conv10 {report.Conv10DbS}, DT SI-SDR +{report.DtSiSdrImprovementDb:F1} dB (near gain {report.DtNearGainDb:F1} dB), " +
            $"near-end level {report.NsLevelChangeDb:F2} dB, lag {report.LagMs} ms");
        return report;
    }

    private static ScenarioSpec Linear(string name, int rate, int channels, int seed) =>
        new(name, SampleRate: rate, CaptureChannels: channels, RenderChannels: channels, DurationS: 12, DelayMs: 40, Rt60S: 0.3, Seed: seed)
        { Room = channels == 2 ? RoomPreset.LivingRoomTv : RoomPreset.OfficeSmallLaptop };

    // Judged on the median of three rooms and talks: the steady state is the last second and a half of far-end
    // talk, where one room's result moves by 10 dB when the placement of the filter moves by a sample.
    // 48 kHz stereo falls short of mono on these synthetic rooms, which reverberate as long above 8 kHz as below
    // while the filter models only the first third of the tail there.
    [TestCase(16000, 1, 24.0, 9.0)]
    [TestCase(48000, 1, 24.0, 9.0)]
    [TestCase(48000, 2, 18.0, 6.0)]
    public void LinearEchoIsCancelled(int rate, int channels, double minimumSteadyStateErle, double minimumDoubleTalkGain)
    {
        var reports = new[] { 7, 8, 9 }.Select(seed => Run(ScenarioGenerator.Generate(Linear($"linear_{rate}_{channels}ch_{seed}", rate, channels, seed)))).ToArray();
        Assert.That(Median(reports.Select(r => r.ErleSteadyStateDb ?? double.NaN)), Is.GreaterThanOrEqualTo(minimumSteadyStateErle));
        Assert.That(reports.Select(r => r.NsLevelChangeDb), Has.All.InRange(-1.0, 1.0), "a lone near-end talker keeps his level");
        Assert.That(Median(reports.Select(r => r.DtSiSdrImprovementDb ?? double.NaN)), Is.GreaterThan(minimumDoubleTalkGain), "double talk comes out cleaner than it went in");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    [TestCase(400.0, 0.0)]
    [TestCase(900.0, 0.0)]
    [TestCase(-30.0, 0.0)]
    [TestCase(40.0, 300.0)]
    public void DelaysAndDriftAreFollowed(double delayMs, double driftPpm)
    {
        var spec = new ScenarioSpec($"delay_{delayMs}_drift_{driftPpm}", DurationS: 14, DelayMs: delayMs, DriftPpm: driftPpm, Rt60S: 0.3, Seed: 11);
        var report = Run(ScenarioGenerator.Generate(spec));
        Assert.That(report.ErleSteadyStateDb, Is.GreaterThanOrEqualTo(20.0));
    }

    [Test]
    public void LiteCancelsShortDelaysAndShortRooms()
    {
        var spec = new ScenarioSpec("lite", DurationS: 12, DelayMs: 100, Rt60S: 0.25, Seed: 13);
        var report = Run(ScenarioGenerator.Generate(spec), AecMode.Lite);
        Assert.That(report.ErleSteadyStateDb, Is.GreaterThanOrEqualTo(20.0));
        Assert.That(report.NsLevelChangeDb, Is.InRange(-1.0, 1.0));
    }

    [Test]
    public void LoudspeakerDistortionIsSuppressed()
    {
        var spec = new ScenarioSpec("clip", DurationS: 12, DelayMs: 15, Nonlinearity: Nonlinearity.HardClip, Rt60S: 0.3, Seed: 17);
        var report = Run(ScenarioGenerator.Generate(spec));
        Assert.That(report.ErleSteadyStateDb, Is.GreaterThanOrEqualTo(18.0));
    }

    [Test]
    public void EchoPathChangeIsFollowed()
    {
        var spec = new ScenarioSpec("move", DurationS: 12, DelayMs: 25, EchoPathChangeS: 4, Rt60S: 0.3, Seed: 19) { Schedule = TalkSchedule.LongFarend };
        var report = Run(ScenarioGenerator.Generate(spec));
        Assert.That(report.Reconv10DbS, Is.Not.Null.And.LessThan(2.0), "10 dB of ERLE again within 2 s of the move");
        Assert.That(report.ErleSteadyStateDb, Is.GreaterThanOrEqualTo(20.0));
    }

    internal static float[] Interleave(float[][] channels)
    {
        int n = channels[0].Length, c = channels.Length;
        var x = new float[n * c];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++) x[i * c + ch] = channels[ch][i];
        return x;
    }

    internal static float[][] Deinterleave(float[] x, int channels)
    {
        int n = x.Length / channels;
        var y = new float[channels][];
        for (int ch = 0; ch < channels; ch++)
        {
            y[ch] = new float[n];
            for (int i = 0; i < n; i++) y[ch][i] = x[i * channels + ch];
        }
        return y;
    }
}
