using Beryl.Aec.Simd;

namespace Beryl.Aec.Tests.Simd;

/// <summary>Every SIMD kernel agrees with its scalar reference, including the tails that do not fill a vector.</summary>
public class SpectralMathTests
{
    private static readonly int[] Lengths = [1, 7, 8, 33, 161, 481];

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [TestCaseSource(nameof(Lengths))]
    public void ComplexKernelsAgree(int n)
    {
        var xr = Random(n, 1); var xi = Random(n, 2); var hr = Random(n, 3); var hi = Random(n, 4);
        foreach (var kernel in new Action<float[], float[], bool>[]
        {
            (yr, yi, s) => SpectralMath.MultiplyAccumulate(xr, xi, hr, hi, yr, yi, s),
            (yr, yi, s) => SpectralMath.ConjugateMultiplyAccumulate(xr, xi, hr, hi, yr, yi, s),
            (yr, yi, s) => SpectralMath.DecayConjugateMultiplyAccumulate(xr, xi, hr, hi, yr, yi, 0.9f, 0.1f, s),
            (yr, yi, s) => SpectralMath.ApplyGain(hr, yr, yi, s),
        })
        {
            var simdRe = Random(n, 5); var simdIm = Random(n, 6);
            var scalarRe = (float[])simdRe.Clone(); var scalarIm = (float[])simdIm.Clone();
            kernel(simdRe, simdIm, true);
            kernel(scalarRe, scalarIm, false);
            Assert.That(simdRe, Is.EqualTo(scalarRe).Within(1e-5f));
            Assert.That(simdIm, Is.EqualTo(scalarIm).Within(1e-5f));
            Assert.That(simdRe, Is.Not.EqualTo(Random(n, 5)), "the kernel must have changed its output");
        }
    }

    [TestCaseSource(nameof(Lengths))]
    public void RealKernelsAgree(int n)
    {
        var a = Random(n, 7); var b = Random(n, 8);
        var p1 = new float[n]; var p2 = new float[n];
        SpectralMath.Power(a, b, p1, true);
        SpectralMath.Power(a, b, p2, false);
        Assert.That(p1, Is.EqualTo(p2).Within(1e-6f));
        Assert.That(SpectralMath.Sum(a, true), Is.EqualTo(SpectralMath.Sum(a, false)).Within(1e-4f));
        Assert.That(SpectralMath.Energy(a, true), Is.EqualTo(SpectralMath.Energy(a, false)).Within(1e-4f));
        Assert.That(SpectralMath.Energy(a, false), Is.EqualTo(a.Sum(v => v * v)).Within(1e-3f));
        Assert.That(SpectralMath.Dot(a, b, true), Is.EqualTo(SpectralMath.Dot(a, b, false)).Within(1e-4f));
        Assert.That(SpectralMath.Dot(a, b, false), Is.EqualTo(a.Zip(b, (x, y) => x * y).Sum()).Within(1e-3f));
        var s1 = (float[])b.Clone(); var s2 = (float[])b.Clone();
        SpectralMath.Smooth(a, s1, 0.3f, true);
        SpectralMath.Smooth(a, s2, 0.3f, false);
        Assert.That(s1, Is.EqualTo(s2).Within(1e-6f));
        SpectralMath.Add(a, s1, true);
        SpectralMath.Add(a, s2, false);
        SpectralMath.Scale(s1, 0.5f, true);
        SpectralMath.Scale(s2, 0.5f, false);
        Assert.That(s1, Is.EqualTo(s2).Within(1e-6f));
    }

    [Test]
    public void ScalarMultiplyAccumulateIsTheComplexProduct()
    {
        var yr = new float[1]; var yi = new float[1];
        // (1 + 2i)(3 - 4i) = 11 + 2i
        SpectralMath.MultiplyAccumulate([1f], [2f], [3f], [-4f], yr, yi, simd: false);
        Assert.That((yr[0], yi[0]), Is.EqualTo((11f, 2f)));
    }
}
