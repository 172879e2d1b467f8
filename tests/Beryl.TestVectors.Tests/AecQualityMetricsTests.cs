using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Tests;

/// <summary>The figures on hand-made signals whose answers are known.</summary>
public class AecQualityMetricsTests
{
    private const int Sr = 8000;
    private const int N = 10 * Sr;

    private static readonly ScenarioSegment[] Segments =
    [
        new(0, 5, SegmentLabel.FarendSingle),
        new(5, 7, SegmentLabel.Doubletalk),
        new(7, 9, SegmentLabel.NearendSingle),
        new(9, 10, SegmentLabel.Silence),
    ];

    private static ScenarioMeta Meta(double? pathChange = null)
        => new("synthetic", Sr, 1, 1, 10, 0, 0, "none", 0, null, pathChange, null, Segments);

    private static (float[] Echo, float[] Near, float[] Mic) Signals()
    {
        var rng = new DeterministicRandom(5, "metrics");
        var echo = new float[N];
        var near = new float[N];
        for (int i = 0; i < N; i++)
        {
            double t = (double)i / Sr;
            if (t < 7) echo[i] = (float)(0.05 * rng.NextGaussian());
            if (t >= 5 && t < 9) near[i] = (float)(0.05 * rng.NextGaussian());
        }
        return (echo, near, echo.Select((e, i) => e + near[i]).ToArray());
    }

    /// <summary>out = near + echo * 10^(-att(t)/20) + floor, delayed by <paramref name="lag"/> samples.</summary>
    private static float[] Output(float[] echo, float[] near, Func<double, double> attDb, int lag = 0, double floor = 0.001)
    {
        var o = new float[N];
        for (int i = 0; i < N; i++)
        {
            int j = i + lag;
            if (j < 0 || j >= N) continue;
            double t = (double)i / Sr;
            o[j] = (float)(near[i] + echo[i] * Math.Pow(10, -attDb(t) / 20) + (t >= 9 ? floor : 0));
        }
        return o;
    }

    private static AecQualityReport Compute(float[] echo, float[] near, float[] mic, float[] output, double? pathChange = null)
        => AecQualityMetrics.Compute(Meta(pathChange), [mic], null, [near], [echo], null, [output]);

    [Test]
    public void ConstantSuppressionGivesExactErleAndLagIsCompensated()
    {
        var (echo, near, mic) = Signals();
        var r = Compute(echo, near, mic, Output(echo, near, _ => 40, lag: 5));
        Assert.That(r.LagSamples, Is.EqualTo(5));
        Assert.That(r.LagReference, Is.EqualTo("near"));
        Assert.That(r.ErleDb, Is.EqualTo(40).Within(0.001));
        Assert.That(r.ErleSteadyStateDb, Is.EqualTo(40).Within(0.001));
        Assert.That(r.ErleMedianDb, Is.EqualTo(40).Within(0.001));
        Assert.That(r.ErleEchoDb, Is.EqualTo(40).Within(0.001));
        Assert.That(r.Conv10DbS, Is.EqualTo(0));
        Assert.That(r.Conv20DbS, Is.EqualTo(0));
        Assert.That(r.Reconv10DbS, Is.Null, "no echo path change in the meta");
        Assert.That(r.DtSiSdrDb, Is.EqualTo(40).Within(0.3), "echo 40 dB below an equally loud near end");
        Assert.That(r.DtSiSdrMicDb, Is.EqualTo(0).Within(0.3));
        Assert.That(r.DtSiSdrImprovementDb, Is.EqualTo(40).Within(0.5));
        Assert.That(r.DtNearGainDb, Is.EqualTo(0).Within(0.01));
        Assert.That(r.DtEchoSuppressionDb, Is.EqualTo(40).Within(0.001));
        Assert.That(r.NsSiSdrDb, Is.EqualTo(100), "echo-free near-end segment is passed unchanged");
        Assert.That(r.NsLevelChangeDb, Is.EqualTo(0).Within(0.001));
        Assert.That(r.NsGuardS, Is.EqualTo(0.3));
        Assert.That(r.NsUsedS, Is.EqualTo(1.7).Within(0.001), "7.0-9.0 s minus the 0.3 s guard");
        Assert.That(r.SilenceOutDbfs, Is.EqualTo(-60).Within(0.01));
        Assert.That(r.FarendOnsetS, Is.EqualTo(0));
    }

    [Test]
    public void ConvergenceTimesFollowTheWindowRule()
    {
        var (echo, near, mic) = Signals();
        var r = Compute(echo, near, mic, Output(echo, near, t => t < 1.0 ? 0 : t < 2.0 ? 15 : 30));
        Assert.That(r.Conv10DbS, Is.EqualTo(1.0).Within(1e-9));
        Assert.That(r.Conv20DbS, Is.EqualTo(2.0).Within(1e-9));
        Assert.That(r.ErleDb, Is.EqualTo(30).Within(0.001), "ERLE counts from onset + 2 s");
        var never = Compute(echo, near, mic, Output(echo, near, _ => 5));
        Assert.That(never.Conv10DbS, Is.Null);
        Assert.That(never.Conv20DbS, Is.Null);
    }

    [Test]
    public void ReconvergenceIsCountedFromThePathChange()
    {
        var (echo, near, mic) = Signals();
        var r = Compute(echo, near, mic, Output(echo, near, t => t >= 2.5 && t < 3.0 ? 0 : 30), pathChange: 2.5);
        Assert.That(r.Conv20DbS, Is.EqualTo(0));
        // windows on a grid from 2.5 s: 2.9-3.1 straddles the dip, 3.1 starts the first 1 s run above 20 dB
        Assert.That(r.Reconv10DbS, Is.EqualTo(0.6).Within(1e-9));
        Assert.That(r.Reconv20DbS, Is.EqualTo(0.6).Within(1e-9));
        Assert.That(r.ErleSeries.Count, Is.EqualTo(50));
        Assert.That(r.ErleSeries.Count(w => w.Valid), Is.EqualTo(25), "only windows inside far-end single talk are valid");
    }

    [Test]
    public void NearEndAttenuationShowsInGainAndLevel()
    {
        var (echo, near, mic) = Signals();
        var o = Output(echo, near, _ => 40);
        for (int i = 7 * Sr; i < 9 * Sr; i++) o[i] *= 0.5f;
        for (int i = 5 * Sr; i < 7 * Sr; i++) o[i] *= 0.5f;
        var r = Compute(echo, near, mic, o);
        Assert.That(r.NsLevelChangeDb, Is.EqualTo(20 * Math.Log10(0.5)).Within(0.001));
        Assert.That(r.DtNearGainDb, Is.EqualTo(20 * Math.Log10(0.5)).Within(0.01));
        Assert.That(r.NsSiSdrDb, Is.EqualTo(100), "a pure gain does not change SI-SDR");
    }

    [Test]
    public void MismatchedOutputIsFittedAndNoted()
    {
        var (echo, near, mic) = Signals();
        var shortOut = Output(echo, near, _ => 20).Take(N - Sr).ToArray();
        var r = AecQualityMetrics.Compute(Meta(), [mic], null, [near], [echo], null, [shortOut, shortOut]);
        Assert.That(r.Notes, Has.Some.Contains("channels"));
        Assert.That(r.Notes, Has.Some.Contains("length"));
        Assert.That(r.ErleDb, Is.EqualTo(20).Within(0.001));
    }

    [Test]
    public void WithoutNearSegmentsTheLagIsMeasuredAgainstTheMic()
    {
        var (echo, _, _) = Signals();
        var meta = new ScenarioMeta("fe", Sr, 1, 1, 10, 0, 0, "none", 0, null, null, null, [new ScenarioSegment(0, 10, SegmentLabel.FarendSingle)]);
        var o = new float[N];
        for (int i = 0; i + 3 < N; i++) o[i + 3] = echo[i] * 0.1f;
        var r = AecQualityMetrics.Compute(meta, [echo], null, [new float[N]], [echo], null, [o]);
        Assert.That(r.LagReference, Is.EqualTo("mic"));
        Assert.That(r.LagSamples, Is.EqualTo(3));
        Assert.That(r.ErleDb, Is.EqualTo(20).Within(0.01));
        Assert.That(r.DtSiSdrDb, Is.Null);
        Assert.That(r.NsSiSdrDb, Is.Null);
        Assert.That(r.SilenceOutDbfs, Is.Null);
    }
}
