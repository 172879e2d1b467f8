using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Synthesis;

namespace Beryl.TestVectors.Tests;

public class SynthesisTests
{
    [TestCase(0.3, 16000)]
    [TestCase(0.5, 16000)]
    [TestCase(0.8, 48000)]
    public void SynthesizedRirHasTheRequestedRt60(double rt60, int sr)
    {
        var room = new ShoeboxRoom(6, 5, 3);
        var h = RoomImpulseResponse.Synthesize(room, new Point3(2, 2, 1.2), new Point3(3.2, 2.9, 1.1), rt60, sr, new DeterministicRandom(1, "rir"), 120);
        double est = RoomImpulseResponse.EstimateRt60(h, sr);
        Assert.That(est, Is.EqualTo(rt60).Within(0.2 * rt60), $"estimated {est:F3} s");
        Assert.That(h.Length / (double)sr, Is.EqualTo(1.1 * rt60).Within(0.03));
        Assert.That(h.Max(Math.Abs), Is.EqualTo(1.0).Within(1e-12));
        int direct = (int)(new Point3(2, 2, 1.2).DistanceTo(new Point3(3.2, 2.9, 1.1)) / RoomImpulseResponse.SpeedOfSound * sr);
        Assert.That(h.Take(direct - 12).Max(Math.Abs), Is.LessThan(0.01), "nothing arrives before the direct sound");
    }

    [Test]
    public void Rt60EstimateOfAnIdealExponentialDecay()
    {
        var rng = new DeterministicRandom(2, "exp");
        int sr = 16000;
        var h = Enumerable.Range(0, sr).Select(n => rng.NextGaussian() * Math.Exp(-6.9078 * n / sr / 0.4)).ToArray();
        Assert.That(RoomImpulseResponse.EstimateRt60(h, sr), Is.EqualTo(0.4).Within(0.02));
    }

    [Test]
    public void SpeakerHighPassRemovesLowFrequencies()
    {
        int sr = 16000;
        var room = new ShoeboxRoom(4, 4, 2.7);
        var h = RoomImpulseResponse.Synthesize(room, new Point3(1.8, 1.7, 0.76), new Point3(1.8, 1.82, 0.76), 0.3, sr, new DeterministicRandom(3, "hp"), 350);
        double Gain(double hz)
        {
            double re = 0, im = 0;
            for (int n = 0; n < h.Length; n++)
            {
                re += h[n] * Math.Cos(2 * Math.PI * hz * n / sr);
                im -= h[n] * Math.Sin(2 * Math.PI * hz * n / sr);
            }
            return Math.Sqrt(re * re + im * im);
        }
        double low = Enumerable.Range(0, 10).Average(k => Gain(40 + 5 * k)), mid = Enumerable.Range(0, 10).Average(k => Gain(1000 + 50 * k));
        Assert.That(20 * Math.Log10(low / mid), Is.LessThan(-25));
    }

    [Test]
    public void SynthesizedSpeechLooksLikeSpeech()
    {
        int sr = 16000;
        var x = new SpeechSynthesizer(TalkerVoice.Female, sr, new DeterministicRandom(4, "talk")).Talk(8 * sr);
        Assert.That(x.Length, Is.EqualTo(8 * sr));
        var p = SignalLevels.FramePowers([x], sr);
        double max = p.Max();
        double activeFraction = p.Count(v => v > max * 1e-3) / (double)p.Length;
        Assert.That(activeFraction, Is.InRange(0.5, 0.95), "pauses between phrases and words");
        Assert.That(p.Take(5).Average(), Is.GreaterThan(max * 1e-5), "talk starts with speech");
        // syllabic envelope: most modulation energy of the 10 ms envelope between 1.5 and 8 Hz
        var env = p.Select(Math.Sqrt).ToArray();
        double mean = env.Average();
        double Band(double lo, double hi)
        {
            double e = 0;
            for (double f = lo; f < hi; f += 0.25)
            {
                double re = 0, im = 0;
                for (int i = 0; i < env.Length; i++)
                {
                    re += (env[i] - mean) * Math.Cos(2 * Math.PI * f * i / 100);
                    im += (env[i] - mean) * Math.Sin(2 * Math.PI * f * i / 100);
                }
                e += re * re + im * im;
            }
            return e;
        }
        Assert.That(Band(1.5, 8), Is.GreaterThan(Band(8, 30)));
        // voiced harmonics: strong autocorrelation at a pitch lag within 90-320 Hz in a loud stretch
        int loud = Array.IndexOf(p, max) * sr / 100;
        var seg = x.Skip(Math.Max(0, loud - 400)).Take(800).Select(v => (double)v).ToArray();
        double r0 = seg.Sum(v => v * v);
        double best = Enumerable.Range(sr / 320, sr / 90 - sr / 320).Max(lag => Enumerable.Range(0, seg.Length - lag).Sum(i => seg[i] * seg[i + lag]));
        Assert.That(best / r0, Is.GreaterThan(0.3));
    }

    [Test]
    public void MusicAndNoiseSynthesisAreDeterministic()
    {
        var a = new MusicSynthesizer(16000, new DeterministicRandom(5, "m")).Render(32000, 2);
        var b = new MusicSynthesizer(16000, new DeterministicRandom(5, "m")).Render(32000, 2);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(a[0].Max(Math.Abs), Is.GreaterThan(0.01));
        var n = NoiseSynthesizer.Stationary(16000, 2, 16000, new DeterministicRandom(6, "n"));
        Assert.That(n[0], Is.Not.EqualTo(n[1]), "independent channels");
        Assert.That(Math.Sqrt(n[0].Average(v => (double)v * v)), Is.EqualTo(1).Within(0.15));
    }

    [Test]
    public void LayoutsKeepDevicesInsideTheRoomAfterAMove()
    {
        foreach (RoomPreset preset in Enum.GetValues<RoomPreset>())
        {
            var l = RoomLayout.Create(preset, 2, 2, new DeterministicRandom(7, preset.ToString()));
            var moved = l.MoveDevice(new DeterministicRandom(8, "m"));
            foreach (var p in l.Speakers.Concat(l.Mics).Concat(moved.Speakers).Concat(moved.Mics).Append(l.Talker))
                Assert.That(l.Room.Contains(p, 0.05), $"{preset}: {p}");
            Assert.That(moved.Mics[0].DistanceTo(l.Mics[0]), Is.GreaterThan(0.2), "the device really moved");
        }
    }
}

public class SegmentLabelerTests
{
    private static float[] Bursts(int sr, params (double From, double To)[] on)
    {
        var x = new float[10 * sr];
        var rng = new Beryl.TestVectors.Dsp.DeterministicRandom(1, "bursts");
        foreach (var (a, b) in on)
            for (int i = (int)(a * sr); i < (int)(b * sr); i++) x[i] = (float)(0.1 * rng.NextGaussian());
        return x;
    }

    [Test]
    public void ShortSegmentsMergeOnlyIntoCoveringStates()
    {
        int sr = 8000;
        // echo pauses 4.7-5.4 while the near end starts at 4.9: the short double talk and near-only bits
        // must not be folded into the far-end-only segment
        var echo = Bursts(sr, (0.3, 4.7), (5.4, 8.0));
        var near = Bursts(sr, (4.9, 9.0));
        var segs = SegmentLabeler.Derive([echo], [near], sr);
        var fe = segs.First(s => s.Label == SegmentLabel.FarendSingle);
        Assert.That(fe.EndS, Is.LessThanOrEqualTo(4.9 + 1e-9), string.Join(", ", segs));
        Assert.That(segs[0].Label, Is.EqualTo(SegmentLabel.FarendSingle), "the leading 0.3 s silence is merged");
        Assert.That(segs.Select(s => s.Label), Is.EqualTo(new[]
        {
            SegmentLabel.FarendSingle, SegmentLabel.Doubletalk, SegmentLabel.NearendSingle, SegmentLabel.Silence,
        }), string.Join(", ", segs));
        Assert.That(segs.Single(s => s.Label == SegmentLabel.NearendSingle).StartS, Is.EqualTo(8.3).Within(0.011), "0.3 s hang-over");
    }

    [Test]
    public void CoversDescribesComponentInclusion()
    {
        Assert.That(SegmentLabeler.Covers(SegmentLabel.Doubletalk, SegmentLabel.FarendSingle), Is.True);
        Assert.That(SegmentLabeler.Covers(SegmentLabel.FarendSingle, SegmentLabel.Silence), Is.True);
        Assert.That(SegmentLabeler.Covers(SegmentLabel.FarendSingle, SegmentLabel.Doubletalk), Is.False);
        Assert.That(SegmentLabeler.Covers(SegmentLabel.NearendSingle, SegmentLabel.FarendSingle), Is.False);
    }
}
