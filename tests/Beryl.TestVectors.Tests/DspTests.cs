using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Tests;

public class DspTests
{
    [Test]
    public void FftRoundTripAndImpulse()
    {
        var fft = Fft.Get(64);
        var re = new double[64];
        var im = new double[64];
        re[3] = 1;
        fft.Forward(re, im);
        for (int k = 0; k < 64; k++)
        {
            Assert.That(re[k], Is.EqualTo(Math.Cos(-2 * Math.PI * 3 * k / 64)).Within(1e-12));
            Assert.That(im[k], Is.EqualTo(Math.Sin(-2 * Math.PI * 3 * k / 64)).Within(1e-12));
        }
        fft.Inverse(re, im);
        for (int k = 0; k < 64; k++) Assert.That(re[k], Is.EqualTo(k == 3 ? 1 : 0).Within(1e-12));
    }

    [Test]
    public void FftConvolutionMatchesDirect()
    {
        var rng = new DeterministicRandom(3, "conv");
        var x = Enumerable.Range(0, 20000).Select(_ => rng.NextGaussian()).ToArray();
        var h = Enumerable.Range(0, 700).Select(_ => rng.NextGaussian()).ToArray();
        var y = FftConvolver.Convolve(x, h);
        Assert.That(y.Length, Is.EqualTo(x.Length + h.Length - 1));
        foreach (int n in new[] { 0, 1, 699, 700, 12345, 20698 })
        {
            double d = 0;
            for (int k = 0; k < h.Length; k++) if (n - k >= 0 && n - k < x.Length) d += h[k] * x[n - k];
            Assert.That(y[n], Is.EqualTo(d).Within(1e-9));
        }
    }

    [Test]
    public void ButterworthBandPassHasUnityCentreAndStopbands()
    {
        var sos = Butterworth.BandPass(4, 300, 4000, 16000);
        Assert.That(sos.Length, Is.EqualTo(4));
        double Mag(double hz) => sos.Aggregate(System.Numerics.Complex.One, (h, s) => h * s.Response(2 * Math.PI * hz / 16000)).Magnitude;
        double centre = 2 * Math.Atan(Math.Sqrt(2 * 16000 * Math.Tan(Math.PI * 300 / 16000) * 2 * 16000 * Math.Tan(Math.PI * 4000 / 16000)) / (2 * 16000)) * 16000 / (2 * Math.PI);
        Assert.That(Mag(centre), Is.EqualTo(1).Within(1e-9));
        Assert.That(Mag(300), Is.EqualTo(Math.Sqrt(0.5)).Within(1e-6), "-3 dB at the lower edge");
        Assert.That(Mag(4000), Is.EqualTo(Math.Sqrt(0.5)).Within(1e-6), "-3 dB at the upper edge");
        Assert.That(Mag(50), Is.LessThan(1e-3));
        Assert.That(Mag(7800), Is.LessThan(1e-3));
    }

    [Test]
    public void FiltFiltIsZeroPhase()
    {
        var sos = Butterworth.BandPass(4, 300, 4000, 16000);
        var x = Enumerable.Range(0, 8000).Select(n => Math.Sin(2 * Math.PI * 700 * n / 16000.0)).ToArray();
        var y = BiquadCascade.FiltFilt(sos, x);
        for (int n = 2000; n < 6000; n += 37)
            Assert.That(y[n], Is.EqualTo(x[n]).Within(0.02), "sinusoid in the pass band passes with no phase shift");
    }

    [Test]
    public void ResamplerKeepsPassbandAndRejectsAliases()
    {
        var x = Enumerable.Range(0, 44100).Select(n => (float)Math.Sin(2 * Math.PI * 1000 * n / 44100.0)).ToArray();
        var y = Resampler.Resample(x, 44100, 16000);
        Assert.That(y.Length, Is.EqualTo(16000));
        for (int m = 1000; m < 15000; m += 113)
            Assert.That(y[m], Is.EqualTo(Math.Sin(2 * Math.PI * 1000 * m / 16000.0)).Within(2e-3));
        var hi = Enumerable.Range(0, 44100).Select(n => (float)Math.Sin(2 * Math.PI * 11000 * n / 44100.0)).ToArray();
        var z = Resampler.Resample(hi, 44100, 16000);
        double rms = Math.Sqrt(z.Skip(1000).Take(14000).Average(v => (double)v * v));
        Assert.That(20 * Math.Log10(rms), Is.LessThan(-60), "11 kHz must not alias into the 16 kHz output");
        var up = Resampler.Resample(x.Take(16000).ToArray(), 16000, 48000);
        Assert.That(up.Length, Is.EqualTo(48000));
    }

    [Test]
    public void TimeWarpDelaysExactlyAndFractionally()
    {
        var x = Enumerable.Range(0, 4000).Select(n => Math.Sin(2 * Math.PI * 440 * n / 16000.0)).ToArray();
        var d7 = TimeWarp.Apply(x, 4000, 7, 0);
        Assert.That(d7[100], Is.EqualTo(x[93]));
        var dn = TimeWarp.Apply(x, 4000, -5, 0);
        Assert.That(dn[100], Is.EqualTo(x[105]));
        var frac = TimeWarp.Apply(x, 4000, 2.5, 0);
        for (int n = 100; n < 3800; n += 41)
            Assert.That(frac[n], Is.EqualTo(Math.Sin(2 * Math.PI * 440 * (n - 2.5) / 16000.0)).Within(1e-3));
        var drift = TimeWarp.Apply(x, 4000, 0, 500e-6);
        Assert.That(drift[3000], Is.EqualTo(Math.Sin(2 * Math.PI * 440 * (3000 / 1.0005) / 16000.0)).Within(1e-3));
    }

    [Test]
    public void RandomIsDeterministicAndStreamsDiffer()
    {
        var a = new DeterministicRandom(42, "x");
        var b = new DeterministicRandom(42, "x");
        var c = new DeterministicRandom(42, "y");
        var sa = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        Assert.That(Enumerable.Range(0, 100).Select(_ => b.NextUInt64()), Is.EqualTo(sa));
        Assert.That(Enumerable.Range(0, 100).Select(_ => c.NextUInt64()), Is.Not.EqualTo(sa));
        var g = new DeterministicRandom(1, "g");
        var v = Enumerable.Range(0, 20000).Select(_ => g.NextGaussian()).ToArray();
        Assert.That(v.Average(), Is.EqualTo(0).Within(0.05));
        Assert.That(v.Average(t => t * t), Is.EqualTo(1).Within(0.05));
    }
}
