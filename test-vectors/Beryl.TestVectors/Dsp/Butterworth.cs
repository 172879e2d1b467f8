using System.Numerics;

namespace Beryl.TestVectors.Dsp;

/// <summary>Digital Butterworth designs (bilinear transform with pre-warping) as biquad cascades.</summary>
public static class Butterworth
{
    /// <summary>
    /// Band-pass of prototype order <paramref name="order"/> (the cascade has <paramref name="order"/>
    /// sections, i.e. filter order 2*order), unity gain at the centre; the same filter as
    /// scipy.signal.butter(order, [low, high], "bandpass", fs=sampleRate, output="sos") up to section ordering.
    /// </summary>
    public static Biquad[] BandPass(int order, double lowHz, double highHz, double sampleRate)
    {
        if (order < 1) throw new ArgumentOutOfRangeException(nameof(order));
        if (!(lowHz > 0 && highHz > lowHz && highHz < sampleRate / 2))
            throw new ArgumentException($"Invalid band {lowHz}-{highHz} Hz at {sampleRate} Hz.");
        double fs2 = 2.0 * sampleRate;
        double wl = fs2 * Math.Tan(Math.PI * lowHz / sampleRate);
        double wh = fs2 * Math.Tan(Math.PI * highHz / sampleRate);
        double bw = wh - wl;
        double w0 = Math.Sqrt(wl * wh);
        var digitalPoles = new List<Complex>();
        foreach (var p in PrototypePoles(order))
        {
            var a = p * bw / 2.0;
            var root = Complex.Sqrt(a * a - w0 * w0);
            foreach (var s in new[] { a + root, a - root })
                digitalPoles.Add((fs2 + s) / (fs2 - s));
        }
        var upper = digitalPoles.Where(z => z.Imaginary > 0).OrderBy(z => z.Magnitude).ToList();
        if (upper.Count != order) throw new InvalidOperationException("Unexpected pole layout.");
        var sections = upper.Select(z => new Biquad(1, 0, -1, -2 * z.Real, z.Magnitude * z.Magnitude)).ToArray();
        double omegaC = 2.0 * Math.Atan(w0 / fs2);
        Complex h = Complex.One;
        foreach (var s in sections) h *= s.Response(omegaC);
        double g = 1.0 / h.Magnitude * Math.Sign(h.Real == 0 ? 1 : h.Real);
        sections[0] = sections[0] with { B0 = g, B2 = -g };
        return sections;
    }

    /// <summary>Second-order Butterworth high-pass section at <paramref name="cutoffHz"/>.</summary>
    public static Biquad HighPass2(double cutoffHz, double sampleRate)
    {
        double k = Math.Tan(Math.PI * cutoffHz / sampleRate);
        double q = 1.0 / Math.Sqrt(2.0);
        double norm = 1.0 / (1.0 + k / q + k * k);
        return new Biquad(norm, -2 * norm, norm, 2 * (k * k - 1) * norm, (1 - k / q + k * k) * norm);
    }

    /// <summary>Second-order Butterworth low-pass section at <paramref name="cutoffHz"/>.</summary>
    public static Biquad LowPass2(double cutoffHz, double sampleRate)
    {
        double k = Math.Tan(Math.PI * cutoffHz / sampleRate);
        double q = 1.0 / Math.Sqrt(2.0);
        double norm = 1.0 / (1.0 + k / q + k * k);
        return new Biquad(k * k * norm, 2 * k * k * norm, k * k * norm, 2 * (k * k - 1) * norm, (1 - k / q + k * k) * norm);
    }

    private static IEnumerable<Complex> PrototypePoles(int order)
    {
        for (int m = -order + 1; m < order; m += 2)
            yield return -Complex.Exp(new Complex(0, Math.PI * m / (2.0 * order)));
    }
}
