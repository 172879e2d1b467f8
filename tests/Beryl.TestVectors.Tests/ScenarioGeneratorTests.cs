using System.Diagnostics;
using System.Text.Json.Nodes;
using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Tests;

public class ScenarioGeneratorTests
{
    [Test]
    public void SameSpecGivesBitIdenticalSignals()
    {
        var spec = TestScenarios.Spec("det") with { SnrDb = 20, DriftPpm = 50 };
        var a = ScenarioGenerator.Generate(spec);
        var b = ScenarioGenerator.Generate(spec);
        Assert.That(b.Mic, Is.EqualTo(a.Mic));
        Assert.That(b.Far, Is.EqualTo(a.Far));
        Assert.That(b.Noise, Is.EqualTo(a.Noise));
        Assert.That(b.EchoRir, Is.EqualTo(a.EchoRir));
        Assert.That(b.MetaJson, Is.EqualTo(a.MetaJson));
        var c = ScenarioGenerator.Generate(spec with { Seed = spec.Seed + 1 });
        Assert.That(c.Mic[0], Is.Not.EqualTo(a.Mic[0]), "another seed gives another scenario");
    }

    [Test]
    public void MicIsExactlyEchoPlusNearPlusNoiseOnTheInt16Grid()
    {
        var s = TestScenarios.Get(TestScenarios.Spec("sum") with { SnrDb = 15 });
        Assert.That(s.Noise, Is.Not.Null);
        for (int i = 0; i < s.Length; i++)
        {
            Assert.That(s.Mic[0][i], Is.EqualTo(s.Echo[0][i] + s.Near[0][i] + s.Noise![0][i]));
            foreach (var x in new[] { s.Mic, s.Echo, s.Near, s.Noise!, s.Far })
            {
                double k = x[0][i] * 32768.0;
                if (k != Math.Round(k)) Assert.Fail($"sample {i} is off the int16 grid");
            }
        }
    }

    [TestCase(20.0)]
    [TestCase(150.0)]
    [TestCase(-30.0)]
    public void EchoIsTheDelayedConvolutionOfTheFarEnd(double delayMs)
    {
        var s = TestScenarios.Get(TestScenarios.Spec($"delay{delayMs}") with { DelayMs = delayMs });
        int sr = s.SampleRate;
        // cross-correlation lag of echo vs far = bulk delay + lag of the undelayed acoustic echo (far * echo_rir) vs far
        var sos = LagEstimator.LagBandPass(sr);
        var f = BiquadCascade.FiltFilt(sos, TestScenarios.D(s.Far[0]));
        var acoustic = FftConvolver.Convolve(TestScenarios.D(s.Far[0]), TestScenarios.D(s.EchoRir[0]), s.Length);
        var (offset, _) = LagEstimator.CrossCorrelationLag(BiquadCascade.FiltFilt(sos, acoustic), f, sr / 5);
        var e = BiquadCascade.FiltFilt(sos, TestScenarios.D(s.Echo[0]));
        var (lag, _) = LagEstimator.CrossCorrelationLag(e, f, sr / 5);
        int expected = (int)Math.Round(delayMs * sr / 1000) + offset;
        Assert.That(offset, Is.InRange(0, sr / 100), "acoustic delay of the echo path");
        Assert.That(lag, Is.EqualTo(expected).Within(1), $"measured echo lag vs far (acoustic part {offset})");
        // and the echo equals shift(far * echo_rir) up to int16 quantisation
        var pred = TestScenarios.PredictEcho(s, s.EchoRir);
        Assert.That(TestScenarios.ResidualDb(s.Echo, pred, 0, s.Length), Is.LessThan(-50));
    }

    [Test]
    public void DriftMovesTheEchoByTheExpectedAmount()
    {
        const double ppm = -500;
        var s = TestScenarios.Get(new ScenarioSpec("drift", DurationS: 14, DelayMs: 60, DriftPpm: ppm, Seed: 11));
        int sr = s.SampleRate;
        // lag of the echo re far in 1 s windows where the far end is active, then a line fit over time
        var times = new List<double>();
        var lags = new List<double>();
        foreach (var seg in s.Meta.Segments.Where(x => x.Label is SegmentLabel.FarendSingle or SegmentLabel.Doubletalk))
        {
            for (double t = seg.StartS + 0.2; t + 1.0 <= seg.EndS - 0.2; t += 1.0)
            {
                int a = (int)(t * sr), b = a + sr;
                var e = TestScenarios.D(s.Echo[0][a..b]);
                var f = TestScenarios.D(s.Far[0][a..b]);
                if (e.Sum(v => v * v) < 1e-4 * sr * 1e-3) continue;
                times.Add((a + b) / 2.0);
                lags.Add(LagEstimator.CrossCorrelationLag(e, f, sr / 5).Lag);
            }
        }
        Assert.That(times.Count, Is.GreaterThan(6));
        double mt = times.Average(), ml = lags.Average();
        double slope = times.Zip(lags).Sum(p => (p.First - mt) * (p.Second - ml)) / times.Sum(t => (t - mt) * (t - mt));
        double drift = ppm * 1e-6;
        Assert.That(slope, Is.EqualTo(drift / (1 + drift)).Within(Math.Abs(drift) * 0.05), "lag grows by drift samples per sample");
        double lagAtZero = ml - slope * mt;
        Assert.That(lagAtZero, Is.InRange(0.06 * sr - 2, 0.06 * sr + 40), "60 ms bulk delay plus a short acoustic delay");
    }

    [Test]
    public void LevelsFollowSerAndSnr([Values(-10.0, 0.0, 10.0)] double ser)
    {
        var s = TestScenarios.Get(TestScenarios.Spec($"ser{ser}") with { SerDb = ser, SnrDb = 12 });
        int sr = s.SampleRate;
        double near = SignalLevels.ActiveLevelDbfs(s.Near, sr), echo = SignalLevels.ActiveLevelDbfs(s.Echo, sr);
        Assert.That(near - echo, Is.EqualTo(ser).Within(0.5));
        Assert.That(near - SignalLevels.RmsDbfs(s.Noise!), Is.EqualTo(12).Within(0.5));
        Assert.That(SignalLevels.ActiveLevelDbfs(s.Far, sr), Is.EqualTo(-26).Within(0.5));
        Assert.That(echo + near, Is.EqualTo(-60).Within(1.0), "echo and near are placed around -30 dBFS");
    }

    [Test]
    public void SegmentsMatchTheActivityOfEchoAndNear()
    {
        var s = TestScenarios.Get(TestScenarios.Spec("labels") with { DelayMs = 400 });
        var segs = s.Meta.Segments;
        Assert.That(segs[0].StartS, Is.EqualTo(0));
        Assert.That(segs[^1].EndS, Is.EqualTo(s.Length / (double)s.SampleRate).Within(1e-9));
        for (int i = 1; i < segs.Count; i++)
        {
            Assert.That(segs[i].StartS, Is.EqualTo(segs[i - 1].EndS), "segments tile the file");
            Assert.That(segs[i].Label, Is.Not.EqualTo(segs[i - 1].Label));
        }
        for (int i = 0; i < segs.Count; i++)
        {
            if (segs[i].DurationS >= 0.5 - 1e-9) continue;
            bool mergeable = (i > 0 && SegmentLabeler.Covers(segs[i - 1].Label, segs[i].Label))
                             || (i < segs.Count - 1 && SegmentLabeler.Covers(segs[i + 1].Label, segs[i].Label));
            Assert.That(mergeable, Is.False, $"short segment {segs[i]} should have been merged");
        }
        Assert.That(segs.Select(x => x.Label), Is.SupersetOf(new[] { SegmentLabel.FarendSingle, SegmentLabel.Doubletalk, SegmentLabel.NearendSingle }));
        Assert.That(segs[0].Label, Is.EqualTo(SegmentLabel.Silence), "with 400 ms delay the echo starts after 0.65 s");
        // raw 10 ms activity (no hang-over): near is silent in far-end-only segments, echo in near-end-only ones
        double Frac(float[][] comp, SegmentLabel label)
        {
            var p = SignalLevels.FramePowers(comp, s.SampleRate);
            double thr = Math.Pow(10, (SignalLevels.ActiveLevelFromFrames(p) - 30) / 10);
            int n = 0, act = 0;
            foreach (var seg in segs.Where(x => x.Label == label))
                for (int f = (int)Math.Round(seg.StartS * 100); f < Math.Min(p.Length, (int)Math.Round(seg.EndS * 100)); f++)
                {
                    n++;
                    if (p[f] > thr) act++;
                }
            return (double)act / n;
        }
        Assert.That(Frac(s.Near, SegmentLabel.FarendSingle), Is.EqualTo(0));
        Assert.That(Frac(s.Echo, SegmentLabel.NearendSingle), Is.EqualTo(0));
        Assert.That(Frac(s.Echo, SegmentLabel.Silence), Is.EqualTo(0));
        Assert.That(Frac(s.Near, SegmentLabel.Silence), Is.EqualTo(0));
        Assert.That(Frac(s.Echo, SegmentLabel.FarendSingle), Is.GreaterThan(0.6));
        Assert.That(Frac(s.Echo, SegmentLabel.Doubletalk), Is.GreaterThan(0.5));
        Assert.That(Frac(s.Near, SegmentLabel.Doubletalk), Is.GreaterThan(0.5));
        Assert.That(Frac(s.Near, SegmentLabel.NearendSingle), Is.GreaterThan(0.6));
    }

    [Test]
    public void EchoPathChangeSwitchesToTheSecondPath()
    {
        var s = TestScenarios.Get(TestScenarios.Spec("change") with { EchoPathChangeS = 3.0, Schedule = TalkSchedule.LongFarend });
        Assert.That(s.EchoRirAfterChange, Is.Not.Null);
        int sr = s.SampleRate, change = 3 * sr, guard = sr / 2;
        var before = TestScenarios.PredictEcho(s, s.EchoRir);
        var after = TestScenarios.PredictEcho(s, s.EchoRirAfterChange!);
        Assert.That(TestScenarios.ResidualDb(s.Echo, before, sr / 2, change - sr / 100), Is.LessThan(-50));
        Assert.That(TestScenarios.ResidualDb(s.Echo, after, change + guard, 4 * sr), Is.LessThan(-50));
        Assert.That(TestScenarios.ResidualDb(s.Echo, before, change + guard, 4 * sr), Is.GreaterThan(-15), "the old path no longer fits");
        Assert.That(s.Meta.EchoPathChangeS, Is.EqualTo(3.0));
    }

    [TestCase(Nonlinearity.HardClip)]
    [TestCase(Nonlinearity.SoftTanh)]
    public void LoudspeakerNonlinearityLeavesANonLinearResidual(Nonlinearity nl)
    {
        var s = TestScenarios.Get(TestScenarios.Spec($"nl{nl}") with { Nonlinearity = nl });
        var linear = TestScenarios.ResidualDb(s.Echo, TestScenarios.PredictEcho(s, s.EchoRir), 0, s.Length);
        Assert.That(linear, Is.InRange(-35, -8), "a linear model of the far end leaves a clear residual");
        double farActive = SignalLevels.ActiveLevelDbfs(s.Far, s.SampleRate);
        var speaker = Loudspeaker.Apply(s.Far, nl, farActive, s.Spec.EffectiveNonlinearityLevelDb, out var stats);
        var exact = TestScenarios.PredictEcho(s, s.EchoRir, speaker.Select(c => c.Select(v => (float)v).ToArray()).ToArray());
        Assert.That(TestScenarios.ResidualDb(s.Echo, exact, 0, s.Length), Is.LessThan(-45), "echo = echo_rir * NL(far)");
        Assert.That(stats!.FractionAboveLevel, Is.InRange(1e-4, 0.1));
        Assert.That(JsonNode.Parse(s.MetaJson)!["nonlinearity"]!.GetValue<string>(), Is.EqualTo(nl.ToJsonName()));
    }

    [Test]
    public void StereoUsesFourPathsAndCorrelatedRenderChannels()
    {
        var s = TestScenarios.Get(TestScenarios.Spec("stereo") with { CaptureChannels = 2, RenderChannels = 2, Room = RoomPreset.LivingRoomTv, DelayMs = 30 });
        Assert.That(s.Far.Length, Is.EqualTo(2));
        Assert.That(s.Mic.Length, Is.EqualTo(2));
        Assert.That(s.EchoRir.Length, Is.EqualTo(4));
        Assert.That(s.EchoRir.Select(r => r.Length).Distinct().Count(), Is.EqualTo(1));
        double xy = 0, xx = 0, yy = 0;
        for (int i = 0; i < s.Length; i++)
        {
            xy += s.Far[0][i] * s.Far[1][i];
            xx += s.Far[0][i] * s.Far[0][i];
            yy += s.Far[1][i] * s.Far[1][i];
        }
        Assert.That(xy / Math.Sqrt(xx * yy), Is.GreaterThan(0.3), "panned talkers make the channels correlated");
        var pred = TestScenarios.PredictEcho(s, s.EchoRir);
        Assert.That(TestScenarios.ResidualDb(s.Echo, pred, 0, s.Length), Is.LessThan(-45));
    }

    [Test]
    public void MusicFarEndAndNoiseKindsRender()
    {
        var music = TestScenarios.Get(TestScenarios.Spec("music") with { FarSource = FarSource.Music });
        Assert.That(SignalLevels.ActiveLevelDbfs(music.Far, music.SampleRate), Is.EqualTo(-26).Within(0.5));
        Assert.That((string?)JsonNode.Parse(music.MetaJson)!["far_source"]!["kind"], Is.EqualTo("music"));
        var stationary = TestScenarios.Get(TestScenarios.Spec("stat") with { SnrDb = 15, NoiseKind = NoiseKind.Stationary });
        var babble = TestScenarios.Get(TestScenarios.Spec("babble") with { SnrDb = 15, NoiseKind = NoiseKind.Babble });
        double Fluct(Scenario s)
        {
            var p = SignalLevels.FramePowers(s.Noise!, s.SampleRate);
            var db = Enumerable.Range(0, p.Length / 5).Select(k => 10 * Math.Log10(p.Skip(5 * k).Take(5).Average() + 1e-12)).ToArray();
            double m = db.Average();
            return Math.Sqrt(db.Average(v => (v - m) * (v - m)));
        }
        Assert.That(Fluct(stationary), Is.LessThan(1.5), "stationary noise has a steady level");
        Assert.That(Fluct(babble), Is.GreaterThan(Fluct(stationary)), "babble fluctuates more");
        foreach (var s in new[] { stationary, babble })
            Assert.That(SignalLevels.ActiveLevelDbfs(s.Near, s.SampleRate) - SignalLevels.RmsDbfs(s.Noise!), Is.EqualTo(15).Within(0.5));
    }

    [Test]
    public void RendersATenSecond16kScenarioQuickly()
    {
        ScenarioGenerator.Generate(new ScenarioSpec("warm", DurationS: 5));
        long best = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            ScenarioGenerator.Generate(new ScenarioSpec("speed", DurationS: 10, DelayMs: 35, DriftPpm: 80, Seed: 100 + i));
            best = Math.Min(best, sw.ElapsedMilliseconds);
        }
        TestContext.Out.WriteLine($"10 s at 16 kHz: {best} ms");
        Assert.That(best, Is.LessThan(1000));
    }

    [Test]
    public void InvalidSpecsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => ScenarioGenerator.Generate(new ScenarioSpec("x", SampleRate: 1000)));
        Assert.Throws<ArgumentException>(() => ScenarioGenerator.Generate(new ScenarioSpec("x", CaptureChannels: 3)));
        Assert.Throws<ArgumentException>(() => ScenarioGenerator.Generate(new ScenarioSpec("x", DurationS: 1)));
        Assert.Throws<ArgumentException>(() => ScenarioGenerator.Generate(new ScenarioSpec("x", EchoPathChangeS: 99)));
        Assert.Throws<ArgumentException>(() => ScenarioGenerator.Generate(new ScenarioSpec("a/b")));
        var e = Assert.Throws<ArgumentException>(() => new ScenarioSpec("x", Rt60S: 9).Validate());
        Assert.That(e!.Message, Does.Contain("Rt60S"));
    }

    [Test]
    public void UsesTheCorpusWhenGiven()
    {
        var corpus = TestPaths.Corpus();
        if (corpus == null) Assert.Ignore("../shared/corpus not available");
        var spec = new ScenarioSpec("corpus", DurationS: 8, Seed: 3) { CorpusRir = "seminar_room_rir_clap_44k.wav" };
        var s = ScenarioGenerator.Generate(spec, corpus);
        var meta = JsonNode.Parse(s.MetaJson)!;
        Assert.That((string?)meta["rir_info"]!["echo"]!["kind"], Is.EqualTo("real"));
        var used = meta["sources_used"]!.AsArray().Select(x => (string)x!).ToList();
        Assert.That(used, Has.Some.StartsWith("corpus:speech/"));
        Assert.That(used, Has.None.Contains("picovoice"), "holdout items are not used");
        var again = ScenarioGenerator.Generate(spec, corpus);
        Assert.That(again.Mic, Is.EqualTo(s.Mic), "deterministic with a corpus too");
    }
}
