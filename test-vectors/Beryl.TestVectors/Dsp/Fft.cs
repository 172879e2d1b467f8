using System.Collections.Concurrent;

namespace Beryl.TestVectors.Dsp;

/// <summary>
/// In-place iterative radix-2 complex FFT on split real/imaginary double arrays.
/// Instances are immutable after construction and safe to share between threads.
/// </summary>
public sealed class Fft
{
    private static readonly ConcurrentDictionary<int, Fft> Cache = new();

    private readonly double[] _cos;   // stage tables concatenated: for len = 2, 4, ..., N the len/2 twiddles exp(-2 pi i k / len)
    private readonly double[] _sin;
    private readonly int[] _bitReverse;

    /// <summary>Creates an FFT of the given power-of-two size.</summary>
    /// <param name="size">Transform length; must be a power of two, at least 1.</param>
    public Fft(int size)
    {
        if (size < 1 || (size & (size - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be a power of two.");
        Size = size;
        _cos = new double[Math.Max(1, size - 1)];
        _sin = new double[Math.Max(1, size - 1)];
        int offset = 0;
        for (int len = 2; len <= size; len <<= 1)
        {
            for (int k = 0; k < len / 2; k++)
            {
                double phase = -2.0 * Math.PI * k / len;
                _cos[offset + k] = Math.Cos(phase);
                _sin[offset + k] = Math.Sin(phase);
            }
            offset += len / 2;
        }
        _bitReverse = new int[size];
        int bits = 0;
        while ((1 << bits) < size) bits++;
        for (int i = 0; i < size; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++)
                if ((i & (1 << b)) != 0) r |= 1 << (bits - 1 - b);
            _bitReverse[i] = r;
        }
    }

    /// <summary>Transform length.</summary>
    public int Size { get; }

    /// <summary>Returns a cached instance for <paramref name="size"/>.</summary>
    public static Fft Get(int size) => Cache.GetOrAdd(size, s => new Fft(s));

    /// <summary>Smallest power of two that is at least <paramref name="n"/> (and at least 1).</summary>
    public static int NextPowerOfTwo(long n)
    {
        if (n > 1 << 30) throw new ArgumentOutOfRangeException(nameof(n), n, "Transform too large.");
        int p = 1;
        while (p < n) p <<= 1;
        return p;
    }

    /// <summary>Forward transform X[k] = sum x[n] exp(-2 pi i k n / N), in place.</summary>
    public void Forward(double[] re, double[] im) => Transform(re, im, false);

    /// <summary>Inverse transform including the 1/N scale, in place.</summary>
    public void Inverse(double[] re, double[] im)
    {
        Transform(re, im, true);
        double scale = 1.0 / Size;
        for (int i = 0; i < Size; i++)
        {
            re[i] *= scale;
            im[i] *= scale;
        }
    }

    private void Transform(double[] re, double[] im, bool inverse)
    {
        int n = Size;
        if (re.Length < n || im.Length < n)
            throw new ArgumentException($"Buffers must hold at least {n} values.");
        for (int i = 0; i < n; i++)
        {
            int j = _bitReverse[i];
            if (j > i)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        double sign = inverse ? -1.0 : 1.0;
        int tw = 0;
        for (int len = 2; len <= n; len <<= 1)
        {
            int half = len >> 1;
            for (int start = 0; start < n; start += len)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = _cos[tw + k];
                    double wi = sign * _sin[tw + k];
                    int a = start + k;
                    int b = a + half;
                    double tr = re[b] * wr - im[b] * wi;
                    double ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
            tw += half;
        }
    }
}
