namespace Beryl.TestVectors.Dsp;

/// <summary>Linear convolution by FFT overlap-add (exact up to rounding).</summary>
public static class FftConvolver
{
    /// <summary>
    /// Returns the first <paramref name="outputLength"/> samples of the linear convolution x * h
    /// (defaults to x.Length + h.Length - 1).
    /// </summary>
    public static double[] Convolve(ReadOnlySpan<double> x, ReadOnlySpan<double> h, int? outputLength = null)
    {
        int full = x.Length == 0 || h.Length == 0 ? 0 : x.Length + h.Length - 1;
        int outLen = outputLength ?? full;
        var y = new double[outLen];
        if (full == 0 || outLen == 0) return y;
        if ((long)h.Length * Math.Min(x.Length, outLen) <= 64L * 1024)
        {
            Direct(x, h, y);
            return y;
        }
        // Block length chosen so that the FFT is about 4x the filter length (or covers x).
        int nfft = Fft.NextPowerOfTwo(Math.Max(2 * h.Length, Math.Min(4L * h.Length, (long)x.Length + h.Length - 1)));
        int block = nfft - h.Length + 1;
        var fft = Fft.Get(nfft);
        var hr = new double[nfft];
        var hi = new double[nfft];
        h.CopyTo(hr);
        fft.Forward(hr, hi);
        var br = new double[nfft];
        var bi = new double[nfft];
        int xUsed = Math.Min(x.Length, outLen);
        // two real blocks per complex transform: (x1 + i x2) * h = x1 * h + i (x2 * h) since h is real
        for (int start = 0; start < xUsed; start += 2 * block)
        {
            int len1 = Math.Min(block, xUsed - start);
            int start2 = start + block;
            int len2 = Math.Max(0, Math.Min(block, xUsed - start2));
            Array.Clear(br);
            Array.Clear(bi);
            x.Slice(start, len1).CopyTo(br);
            if (len2 > 0) x.Slice(start2, len2).CopyTo(bi);
            fft.Forward(br, bi);
            for (int k = 0; k < nfft; k++)
            {
                double r = br[k] * hr[k] - bi[k] * hi[k];
                double i = br[k] * hi[k] + bi[k] * hr[k];
                br[k] = r;
                bi[k] = i;
            }
            fft.Inverse(br, bi);
            int count1 = Math.Min(len1 + h.Length - 1, outLen - start);
            for (int k = 0; k < count1; k++) y[start + k] += br[k];
            if (len2 > 0)
            {
                int count2 = Math.Min(len2 + h.Length - 1, outLen - start2);
                for (int k = 0; k < count2; k++) y[start2 + k] += bi[k];
            }
        }
        return y;
    }

    /// <summary>Single-precision convenience overload of <see cref="Convolve(ReadOnlySpan{double}, ReadOnlySpan{double}, int?)"/>.</summary>
    public static double[] Convolve(ReadOnlySpan<float> x, ReadOnlySpan<float> h, int? outputLength = null)
        => Convolve(ToDouble(x), ToDouble(h), outputLength);

    private static double[] ToDouble(ReadOnlySpan<float> x)
    {
        var d = new double[x.Length];
        for (int i = 0; i < x.Length; i++) d[i] = x[i];
        return d;
    }

    private static void Direct(ReadOnlySpan<double> x, ReadOnlySpan<double> h, double[] y)
    {
        for (int n = 0; n < y.Length; n++)
        {
            double acc = 0;
            int kMin = Math.Max(0, n - x.Length + 1);
            int kMax = Math.Min(h.Length - 1, n);
            for (int k = kMin; k <= kMax; k++) acc += h[k] * x[n - k];
            y[n] = acc;
        }
    }
}
