using System.Numerics;
using System.Runtime.CompilerServices;

namespace Beryl.Aec.Simd;

/// <summary>
/// The per-bin kernels of the hot loops on split complex spectra. Each has a SIMD body on
/// <see cref="Vector{T}"/> (AVX2/AVX-512 on x64, NEON on Arm) and a scalar tail; passing
/// <c>simd: false</c> runs the scalar reference for the whole span, which the tests compare against.
/// </summary>
internal static class SpectralMath
{
    private static int VectorEnd(int length, bool simd) =>
        simd && Vector.IsHardwareAccelerated ? length - length % Vector<float>.Count : 0;

    /// <summary>y += x * h (complex).</summary>
    public static void MultiplyAccumulate(ReadOnlySpan<float> xRe, ReadOnlySpan<float> xIm, ReadOnlySpan<float> hRe, ReadOnlySpan<float> hIm,
        Span<float> yRe, Span<float> yIm, bool simd)
    {
        int n = yRe.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        for (; i < end; i += w)
        {
            var xr = new Vector<float>(xRe[i..]); var xi = new Vector<float>(xIm[i..]);
            var hr = new Vector<float>(hRe[i..]); var hi = new Vector<float>(hIm[i..]);
            (new Vector<float>(yRe[i..]) + xr * hr - xi * hi).CopyTo(yRe[i..]);
            (new Vector<float>(yIm[i..]) + xr * hi + xi * hr).CopyTo(yIm[i..]);
        }
        for (; i < n; i++)
        {
            float xr = xRe[i], xi = xIm[i], hr = hRe[i], hi = hIm[i];
            yRe[i] += xr * hr - xi * hi;
            yIm[i] += xr * hi + xi * hr;
        }
    }

    /// <summary>h += conj(x) * g (complex): the gradient step of the frequency-domain NLMS.</summary>
    public static void ConjugateMultiplyAccumulate(ReadOnlySpan<float> xRe, ReadOnlySpan<float> xIm, ReadOnlySpan<float> gRe, ReadOnlySpan<float> gIm,
        Span<float> hRe, Span<float> hIm, bool simd)
    {
        int n = hRe.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        for (; i < end; i += w)
        {
            var xr = new Vector<float>(xRe[i..]); var xi = new Vector<float>(xIm[i..]);
            var gr = new Vector<float>(gRe[i..]); var gi = new Vector<float>(gIm[i..]);
            (new Vector<float>(hRe[i..]) + xr * gr + xi * gi).CopyTo(hRe[i..]);
            (new Vector<float>(hIm[i..]) + xr * gi - xi * gr).CopyTo(hIm[i..]);
        }
        for (; i < n; i++)
        {
            float xr = xRe[i], xi = xIm[i], gr = gRe[i], gi = gIm[i];
            hRe[i] += xr * gr + xi * gi;
            hIm[i] += xr * gi - xi * gr;
        }
    }

    /// <summary>s = decay * s + scale * conj(x) * g (complex): a leaky cross-spectrum accumulator.</summary>
    public static void DecayConjugateMultiplyAccumulate(ReadOnlySpan<float> xRe, ReadOnlySpan<float> xIm, ReadOnlySpan<float> gRe, ReadOnlySpan<float> gIm,
        Span<float> sRe, Span<float> sIm, float decay, float scale, bool simd)
    {
        int n = sRe.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        var d = new Vector<float>(decay);
        var c = new Vector<float>(scale);
        for (; i < end; i += w)
        {
            var xr = new Vector<float>(xRe[i..]); var xi = new Vector<float>(xIm[i..]);
            var gr = new Vector<float>(gRe[i..]) * c; var gi = new Vector<float>(gIm[i..]) * c;
            (d * new Vector<float>(sRe[i..]) + xr * gr + xi * gi).CopyTo(sRe[i..]);
            (d * new Vector<float>(sIm[i..]) + xr * gi - xi * gr).CopyTo(sIm[i..]);
        }
        for (; i < n; i++)
        {
            float xr = xRe[i], xi = xIm[i], gr = gRe[i] * scale, gi = gIm[i] * scale;
            sRe[i] = decay * sRe[i] + xr * gr + xi * gi;
            sIm[i] = decay * sIm[i] + xr * gi - xi * gr;
        }
    }

    /// <summary>power = re^2 + im^2.</summary>
    public static void Power(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> power, bool simd)
    {
        int n = power.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        for (; i < end; i += w)
        {
            var r = new Vector<float>(re[i..]); var m = new Vector<float>(im[i..]);
            (r * r + m * m).CopyTo(power[i..]);
        }
        for (; i < n; i++) power[i] = re[i] * re[i] + im[i] * im[i];
    }

    /// <summary>x *= factor.</summary>
    public static void Scale(Span<float> x, float factor, bool simd)
    {
        int n = x.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        var f = new Vector<float>(factor);
        for (; i < end; i += w) (new Vector<float>(x[i..]) * f).CopyTo(x[i..]);
        for (; i < n; i++) x[i] *= factor;
    }

    /// <summary>sum += a.</summary>
    public static void Add(ReadOnlySpan<float> a, Span<float> sum, bool simd)
    {
        int n = sum.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        for (; i < end; i += w) (new Vector<float>(sum[i..]) + new Vector<float>(a[i..])).CopyTo(sum[i..]);
        for (; i < n; i++) sum[i] += a[i];
    }

    /// <summary>re *= gain, im *= gain (a real gain per bin).</summary>
    public static void ApplyGain(ReadOnlySpan<float> gain, Span<float> re, Span<float> im, bool simd)
    {
        int n = gain.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        for (; i < end; i += w)
        {
            var g = new Vector<float>(gain[i..]);
            (new Vector<float>(re[i..]) * g).CopyTo(re[i..]);
            (new Vector<float>(im[i..]) * g).CopyTo(im[i..]);
        }
        for (; i < n; i++)
        {
            re[i] *= gain[i];
            im[i] *= gain[i];
        }
    }

    /// <summary>
    /// state = state + alpha * (x - state): first-order smoothing of a power per bin. The state never falls
    /// below <see cref="PowerFloor"/>, so that silence cannot decay it into denormal numbers, which cost a
    /// hundred times a normal operation on x86.
    /// </summary>
    public static void Smooth(ReadOnlySpan<float> x, Span<float> state, float alpha, bool simd)
    {
        int n = state.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        var a = new Vector<float>(alpha);
        var floor = new Vector<float>(PowerFloor);
        for (; i < end; i += w)
        {
            var s = new Vector<float>(state[i..]);
            Vector.Max(s + a * (new Vector<float>(x[i..]) - s), floor).CopyTo(state[i..]);
        }
        for (; i < n; i++) state[i] = Math.Max(state[i] + alpha * (x[i] - state[i]), PowerFloor);
    }

    /// <summary>Smallest value a smoothed power keeps: far below any audible level, far above the denormal range.</summary>
    public const float PowerFloor = 1e-30f;

    /// <summary>Zero for magnitudes so small they would become denormal as they keep decaying.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FlushTiny(float x) => MathF.Abs(x) < 1e-25f ? 0f : x;

    /// <summary>Sum of all elements.</summary>
    public static float Sum(ReadOnlySpan<float> x, bool simd)
    {
        int n = x.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        var acc = Vector<float>.Zero;
        for (; i < end; i += w) acc += new Vector<float>(x[i..]);
        float sum = Vector.Sum(acc);
        for (; i < n; i++) sum += x[i];
        return sum;
    }

    /// <summary>Sum of the products of <paramref name="a"/> and <paramref name="b"/>, element by element.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, bool simd)
    {
        int n = a.Length, end = VectorEnd(n, simd), w = Vector<float>.Count, i = 0;
        b = b[..n];
        var acc = Vector<float>.Zero;
        for (; i < end; i += w) acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float sum = Vector.Sum(acc);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>Sum of squares.</summary>
    public static float Energy(ReadOnlySpan<float> x, bool simd) => Dot(x, x, simd);
}
