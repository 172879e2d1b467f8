namespace Beryl.TestVectors.Dsp;

/// <summary>Causal and zero-phase (forward-backward) filtering with a biquad cascade.</summary>
public static class BiquadCascade
{
    /// <summary>Causal filtering of <paramref name="x"/> in place from zero state.</summary>
    public static void Filter(IReadOnlyList<Biquad> sections, Span<double> x)
    {
        foreach (var s in sections)
        {
            double z0 = 0, z1 = 0;
            s.Process(x, ref z0, ref z1);
        }
    }

    /// <summary>
    /// Zero-phase forward-backward filtering with odd extension at both ends and step
    /// steady-state initial conditions: the same algorithm as scipy.signal.sosfiltfilt with
    /// its defaults (padtype "odd", padlen 3 * (2 * sections + 1 - trailing zero coefficients)).
    /// </summary>
    public static double[] FiltFilt(IReadOnlyList<Biquad> sections, ReadOnlySpan<double> x)
    {
        int nSec = sections.Count;
        int ntaps = 2 * nSec + 1;
        ntaps -= Math.Min(sections.Count(s => s.B2 == 0), sections.Count(s => s.A2 == 0));
        int padlen = 3 * ntaps;
        int n = x.Length;
        if (n <= padlen)
            throw new ArgumentException($"Signal of {n} samples too short for zero-phase filtering (needs > {padlen}).");
        var ext = new double[n + 2 * padlen];
        for (int i = 0; i < padlen; i++)
        {
            ext[i] = 2 * x[0] - x[padlen - i];
            ext[n + padlen + i] = 2 * x[n - 1] - x[n - 2 - i];
        }
        x.CopyTo(ext.AsSpan(padlen));
        var zi = StepStates(sections);
        RunWithInitial(sections, zi, ext, ext[0]);
        Array.Reverse(ext);
        RunWithInitial(sections, zi, ext, ext[0]);
        Array.Reverse(ext);
        return ext.AsSpan(padlen, n).ToArray();
    }

    private static (double, double)[] StepStates(IReadOnlyList<Biquad> sections)
    {
        var zi = new (double, double)[sections.Count];
        double scale = 1.0;
        for (int i = 0; i < sections.Count; i++)
        {
            var (z0, z1) = sections[i].StepInitialState();
            zi[i] = (scale * z0, scale * z1);
            scale *= sections[i].DcGain;
        }
        return zi;
    }

    private static void RunWithInitial(IReadOnlyList<Biquad> sections, (double, double)[] zi, double[] x, double x0)
    {
        for (int i = 0; i < sections.Count; i++)
        {
            double z0 = zi[i].Item1 * x0, z1 = zi[i].Item2 * x0;
            sections[i].Process(x, ref z0, ref z1);
        }
    }
}
