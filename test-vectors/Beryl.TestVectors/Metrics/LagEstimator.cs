using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors;

/// <summary>Lag of one signal relative to another by FFT cross-correlation of band-passed signals.</summary>
public static class LagEstimator
{
    /// <summary>
    /// Lag L in [-maxLag, maxLag] maximising |sum_n a[n+L] b[n]| (a delayed by L re b; the first maximum
    /// in lag order wins) and the normalised correlation there.
    /// </summary>
    public static (int Lag, double Correlation) CrossCorrelationLag(double[] a, double[] b, int maxLag)
    {
        int n = Math.Max(a.Length, b.Length);
        int nfft = Fft.NextPowerOfTwo(n + maxLag + 1);
        var fft = Fft.Get(nfft);
        var ar = new double[nfft];
        var ai = new double[nfft];
        var br = new double[nfft];
        var bi = new double[nfft];
        a.CopyTo(ar, 0);
        b.CopyTo(br, 0);
        fft.Forward(ar, ai);
        fft.Forward(br, bi);
        for (int k = 0; k < nfft; k++)
        {
            // A * conj(B)
            double r = ar[k] * br[k] + ai[k] * bi[k];
            double i = ai[k] * br[k] - ar[k] * bi[k];
            ar[k] = r;
            ai[k] = i;
        }
        fft.Inverse(ar, ai);
        int best = -maxLag;
        double bestVal = double.NegativeInfinity, bestSigned = 0;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double v = ar[((lag % nfft) + nfft) % nfft];
            if (Math.Abs(v) > bestVal)
            {
                bestVal = Math.Abs(v);
                bestSigned = v;
                best = lag;
            }
        }
        double norm = Math.Sqrt(Dot(a, a) * Dot(b, b)) + 1e-30;
        return (best, bestSigned / norm);
    }

    /// <summary>The 300-4000 Hz (at most 0.45 fs) 4th-order Butterworth band-pass used for lag estimation.</summary>
    public static Biquad[] LagBandPass(int sampleRate)
        => Butterworth.BandPass(4, 300.0, Math.Min(4000.0, 0.45 * sampleRate), sampleRate);

    /// <summary>Sum over channels followed by zero-phase band-pass filtering.</summary>
    public static double[] BandPassedSum(double[][] x, Biquad[] sections)
    {
        int n = x[0].Length;
        var s = new double[n];
        foreach (var ch in x)
            for (int i = 0; i < n; i++) s[i] += ch[i];
        return BiquadCascade.FiltFilt(sections, s);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
