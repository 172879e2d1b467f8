namespace Beryl.TestVectors.Tests;

public class MetricMathTests
{
    [Test]
    public void DbRatioClampsAndHandlesZeros()
    {
        Assert.That(MetricMath.DbRatio(100, 1), Is.EqualTo(20).Within(1e-12));
        Assert.That(MetricMath.DbRatio(0, 0), Is.Null);
        Assert.That(MetricMath.DbRatio(1, 0), Is.EqualTo(100));
        Assert.That(MetricMath.DbRatio(0, 1), Is.EqualTo(-100));
        Assert.That(MetricMath.DbRatio(1e-30, 1), Is.EqualTo(-100));
    }

    [Test]
    public void SiSdrOfScaledReferencePlusOrthogonalNoise()
    {
        int n = 4000;
        var r = Enumerable.Range(0, n).Select(i => Math.Sin(2 * Math.PI * 5 * i / n)).ToArray();
        var noise = Enumerable.Range(0, n).Select(i => 0.1 * Math.Cos(2 * Math.PI * 17 * i / n)).ToArray();
        var est = r.Select((v, i) => 2 * v + noise[i]).ToArray();
        var (sdr, gain) = MetricMath.SiSdr([est], [r]);
        double expected = 10 * Math.Log10(4 * r.Sum(v => v * v) / noise.Sum(v => v * v));
        Assert.That(sdr!.Value, Is.EqualTo(expected).Within(1e-6));
        Assert.That(gain!.Value, Is.EqualTo(20 * Math.Log10(2)).Within(1e-6));
    }

    [Test]
    public void SiSdrIsScaleAndOffsetInvariant()
    {
        var r = Enumerable.Range(0, 1000).Select(i => Math.Sin(i * 0.05) + 0.3 * Math.Sin(i * 0.31)).ToArray();
        var e1 = r.Select((v, i) => v + 0.05 * Math.Sin(i * 1.7)).ToArray();
        var e2 = e1.Select(v => 0.25 * v + 3.0).ToArray();
        Assert.That(MetricMath.SiSdr([e2], [r]).SiSdrDb, Is.EqualTo(MetricMath.SiSdr([e1], [r]).SiSdrDb).Within(1e-9));
    }

    [Test]
    public void SiSdrEdgeCases()
    {
        var r = Enumerable.Range(0, 100).Select(i => Math.Sin(i * 0.3)).ToArray();
        Assert.That(MetricMath.SiSdr([r], [r]).SiSdrDb, Is.EqualTo(100), "perfect estimate clamps to +100 dB");
        var silent = MetricMath.SiSdr([new double[100]], [r]);
        Assert.That(silent.SiSdrDb, Is.EqualTo(-100));
        Assert.That(silent.GainDb, Is.EqualTo(-100));
        Assert.That(MetricMath.SiSdr([r], [new double[100]]).SiSdrDb, Is.Null, "silent reference channels are skipped");
        var mask = Enumerable.Range(0, 100).Select(i => i < 50).ToArray();
        var est = r.Select((v, i) => i < 50 ? v : 5.0).ToArray();
        Assert.That(MetricMath.SiSdr([est], [r], mask).SiSdrDb, Is.EqualTo(100), "only masked samples count");
    }

    [Test]
    public void PercentileMatchesNumpyLinear()
    {
        Assert.That(MetricMath.Percentile([1, 2, 3, 4], 95), Is.EqualTo(3.85).Within(1e-12));
        Assert.That(MetricMath.Median([5, 1, 3]), Is.EqualTo(3));
        Assert.That(MetricMath.Median([4, 1, 3, 2]), Is.EqualTo(2.5));
    }

    [Test]
    public void SegmentMaskRoundsLikePython()
    {
        var segs = new[] { new ScenarioSegment(0.5, 1.0, SegmentLabel.Doubletalk), new ScenarioSegment(1.0, 2.0, SegmentLabel.FarendSingle) };
        var m = MetricMath.SegmentMask(40, 10, segs, [SegmentLabel.FarendSingle]);
        Assert.That(Enumerable.Range(0, 40).Where(i => m[i]), Is.EqualTo(Enumerable.Range(10, 10)));
        var cut = MetricMath.SegmentMask(40, 10, segs, [SegmentLabel.FarendSingle, SegmentLabel.Doubletalk], tMin: 1.25);
        Assert.That(Enumerable.Range(0, 40).Where(i => cut[i]), Is.EqualTo(Enumerable.Range(12, 8)), "round(12.5) = 12 (ties to even)");
    }

    [Test]
    public void LagEstimatorFindsPositiveAndNegativeLags()
    {
        var rng = new Dsp.DeterministicRandom(9, "lag");
        var b = Enumerable.Range(0, 5000).Select(_ => rng.NextGaussian()).ToArray();
        foreach (int lag in new[] { 13, -21, 0 })
        {
            var a = MetricMath.Shift(b, -lag);
            var (found, corr) = LagEstimator.CrossCorrelationLag(a, b, 40);
            Assert.That(found, Is.EqualTo(lag));
            Assert.That(corr, Is.GreaterThan(0.9));
        }
    }
}
