using Beryl.Aec.Fft;

namespace Beryl.Aec.Tests.Fft;

public class FftTests
{
    // Every block size of the supported rates (80..480 complex points) plus odd factorisations.
    private static readonly int[] ComplexSizes = [1, 2, 3, 4, 5, 6, 8, 12, 15, 40, 80, 120, 160, 320, 480, 640, 960];
    private static readonly int[] RealSizes = [160, 320, 640, 960, 80, 64];

    [TestCaseSource(nameof(ComplexSizes))]
    public void ComplexFftMatchesNaiveDft(int n)
    {
        var random = new Random(n);
        var re = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var im = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var (expectedRe, expectedIm) = NaiveDft(re, im);
        foreach (bool simd in new[] { true, false })
        {
            var r = (float[])re.Clone();
            var i = (float[])im.Clone();
            new ComplexFft(n, simd).Forward(r, i);
            for (int k = 0; k < n; k++)
            {
                Assert.That(r[k], Is.EqualTo(expectedRe[k]).Within(1e-4 * Math.Sqrt(n)), $"re[{k}] simd={simd}");
                Assert.That(i[k], Is.EqualTo(expectedIm[k]).Within(1e-4 * Math.Sqrt(n)), $"im[{k}] simd={simd}");
            }
        }
    }

    [TestCaseSource(nameof(RealSizes))]
    public void RealFftMatchesNaiveDftAndInverts(int n)
    {
        var random = new Random(n + 7);
        var x = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var (expectedRe, expectedIm) = NaiveDft(x, new float[n]);
        var fft = new RealFft(n, simd: true);
        var re = new float[fft.Bins];
        var im = new float[fft.Bins];
        fft.Forward(x, re, im);
        for (int k = 0; k < fft.Bins; k++)
        {
            Assert.That(re[k], Is.EqualTo(expectedRe[k]).Within(1e-4 * Math.Sqrt(n)), $"re[{k}]");
            Assert.That(im[k], Is.EqualTo(expectedIm[k]).Within(1e-4 * Math.Sqrt(n)), $"im[{k}]");
        }
        var back = new float[n];
        fft.Inverse(re, im, back);
        for (int t = 0; t < n; t++) Assert.That(back[t], Is.EqualTo(x[t]).Within(1e-5), $"x[{t}]");
    }

    [Test]
    public void SizesWithOtherPrimeFactorsAreRejected()
    {
        Assert.That(() => new ComplexFft(14, simd: true), Throws.ArgumentException.With.Message.Contains("prime factor"));
        Assert.That(() => new RealFft(81, simd: true), Throws.ArgumentException);
    }

    private static (float[] Re, float[] Im) NaiveDft(float[] re, float[] im)
    {
        int n = re.Length;
        var outRe = new float[n];
        var outIm = new float[n];
        for (int k = 0; k < n; k++)
        {
            double sr = 0, si = 0;
            for (int t = 0; t < n; t++)
            {
                double a = -2 * Math.PI * k * t / n;
                sr += re[t] * Math.Cos(a) - im[t] * Math.Sin(a);
                si += re[t] * Math.Sin(a) + im[t] * Math.Cos(a);
            }
            outRe[k] = (float)sr;
            outIm[k] = (float)si;
        }
        return (outRe, outIm);
    }
}
