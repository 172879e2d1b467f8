using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Fft;

/// <summary>
/// Mixed-radix (4, 2, 3, 5) complex FFT in Stockham autosort form on split real/imaginary arrays.
/// Sizes are the 10 ms block sizes of every supported rate, so no power-of-two padding is needed.
/// The innermost loop of each stage runs over contiguous memory, which is what makes it SIMD-friendly.
/// </summary>
internal sealed class ComplexFft
{
    private readonly record struct Stage(int Radix, int Span, int Stride, float[] TwiddleRe, float[] TwiddleIm);

    private static readonly float Sin60 = MathF.Sqrt(3f) / 2f;
    private static readonly float C1 = MathF.Cos(2f * MathF.PI / 5f), C2 = MathF.Cos(4f * MathF.PI / 5f);
    private static readonly float S1 = MathF.Sin(2f * MathF.PI / 5f), S2 = MathF.Sin(4f * MathF.PI / 5f);

    private readonly Stage[] _stages;
    private readonly float[] _workRe, _workIm;
    private readonly bool _simd;

    public ComplexFft(int size, bool simd)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size));
        Size = size;
        _simd = simd && Vector.IsHardwareAccelerated;
        _workRe = new float[size];
        _workIm = new float[size];
        var stages = new List<Stage>();
        int n = size, stride = 1;
        while (n > 1)
        {
            int radix = n % 4 == 0 ? 4 : n % 2 == 0 ? 2 : n % 3 == 0 ? 3 : n % 5 == 0 ? 5
                : throw new ArgumentException($"FFT size {size} has a prime factor other than 2, 3 and 5.", nameof(size));
            int span = n / radix;
            var twRe = new float[span * (radix - 1)];
            var twIm = new float[span * (radix - 1)];
            for (int p = 0; p < span; p++)
            {
                for (int k = 1; k < radix; k++)
                {
                    double angle = -2.0 * Math.PI * p * k / n;
                    twRe[p * (radix - 1) + k - 1] = (float)Math.Cos(angle);
                    twIm[p * (radix - 1) + k - 1] = (float)Math.Sin(angle);
                }
            }
            stages.Add(new Stage(radix, span, stride, twRe, twIm));
            n = span;
            stride *= radix;
        }
        _stages = [.. stages];
    }

    public int Size { get; }

    /// <summary>In-place forward transform, unnormalised: X[k] = sum x[n] e^{-2 pi i nk/N}.</summary>
    public void Forward(Span<float> re, Span<float> im)
    {
        if (re.Length != Size || im.Length != Size) throw new ArgumentException("Buffer length differs from the FFT size.");
        Span<float> srcRe = re, srcIm = im, dstRe = _workRe, dstIm = _workIm;
        foreach (var stage in _stages)
        {
            RunStage(stage, srcRe, srcIm, dstRe, dstIm);
            var tRe = srcRe; srcRe = dstRe; dstRe = tRe;
            var tIm = srcIm; srcIm = dstIm; dstIm = tIm;
        }
        if (_stages.Length % 2 == 1)
        {
            srcRe.CopyTo(re);
            srcIm.CopyTo(im);
        }
    }

    /// <summary>In-place inverse transform including the 1/N scale.</summary>
    public void Inverse(Span<float> re, Span<float> im)
    {
        SpectralMath.Scale(im, -1f, _simd);
        Forward(re, im);
        float scale = 1f / Size;
        SpectralMath.Scale(re, scale, _simd);
        SpectralMath.Scale(im, -scale, _simd);
    }

    private void RunStage(in Stage st, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi)
    {
        int s = st.Stride, m = st.Span, r = st.Radix;
        bool vector = _simd && s >= Vector<float>.Count;
        for (int p = 0; p < m; p++)
        {
            int tw = p * (r - 1);
            int q = !vector ? 0 : r switch
            {
                4 => Radix4Vector(xr, xi, yr, yi, st, p, tw),
                2 => Radix2Vector(xr, xi, yr, yi, st, p, tw),
                3 => Radix3Vector(xr, xi, yr, yi, st, p, tw),
                _ => Radix5Vector(xr, xi, yr, yi, st, p, tw),
            };
            if (q == s) continue;
            switch (r)
            {
                case 4: Radix4(xr, xi, yr, yi, st, p, q, tw); break;
                case 2: Radix2(xr, xi, yr, yi, st, p, q, tw); break;
                case 3: Radix3(xr, xi, yr, yi, st, p, q, tw); break;
                default: Radix5(xr, xi, yr, yi, st, p, q, tw); break;
            }
        }
    }

    // Scalar butterflies for q = q0..s-1: inputs a_j = x[q + s(p + j m)], outputs y[q + s(r p + k)] = b_k w^{pk}.
    private static void Radix2(ReadOnlySpan<float> xRe, ReadOnlySpan<float> xIm, Span<float> yRe, Span<float> yIm, in Stage st, int p, int q0, int tw)
    {
        int s = st.Stride, m = st.Span;
        ref float xr = ref MemoryMarshal.GetReference(xRe), xi = ref MemoryMarshal.GetReference(xIm);
        ref float yr = ref MemoryMarshal.GetReference(yRe), yi = ref MemoryMarshal.GetReference(yIm);
        float w1r = st.TwiddleRe[tw], w1i = st.TwiddleIm[tw];
        for (int q = q0; q < s; q++)
        {
            int i0 = q + s * p, i1 = i0 + s * m;
            float a0r = Unsafe.Add(ref xr, i0), a0i = Unsafe.Add(ref xi, i0);
            float a1r = Unsafe.Add(ref xr, i1), a1i = Unsafe.Add(ref xi, i1);
            int o = q + s * 2 * p;
            Unsafe.Add(ref yr, o) = a0r + a1r; Unsafe.Add(ref yi, o) = a0i + a1i;
            Store(ref yr, ref yi, o + s, a0r - a1r, a0i - a1i, w1r, w1i);
        }
    }

    private static void Radix4(ReadOnlySpan<float> xRe, ReadOnlySpan<float> xIm, Span<float> yRe, Span<float> yIm, in Stage st, int p, int q0, int tw)
    {
        int s = st.Stride, m = st.Span;
        ref float xr = ref MemoryMarshal.GetReference(xRe), xi = ref MemoryMarshal.GetReference(xIm);
        ref float yr = ref MemoryMarshal.GetReference(yRe), yi = ref MemoryMarshal.GetReference(yIm);
        float w1r = st.TwiddleRe[tw], w1i = st.TwiddleIm[tw];
        float w2r = st.TwiddleRe[tw + 1], w2i = st.TwiddleIm[tw + 1];
        float w3r = st.TwiddleRe[tw + 2], w3i = st.TwiddleIm[tw + 2];
        for (int q = q0; q < s; q++)
        {
            int i0 = q + s * p, sm = s * m;
            float a0r = Unsafe.Add(ref xr, i0), a0i = Unsafe.Add(ref xi, i0);
            float a1r = Unsafe.Add(ref xr, i0 + sm), a1i = Unsafe.Add(ref xi, i0 + sm);
            float a2r = Unsafe.Add(ref xr, i0 + 2 * sm), a2i = Unsafe.Add(ref xi, i0 + 2 * sm);
            float a3r = Unsafe.Add(ref xr, i0 + 3 * sm), a3i = Unsafe.Add(ref xi, i0 + 3 * sm);
            float t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
            float t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
            int o = q + s * 4 * p;
            Unsafe.Add(ref yr, o) = t0r + t2r; Unsafe.Add(ref yi, o) = t0i + t2i;
            // -i * t3 = (t3i, -t3r)
            Store(ref yr, ref yi, o + s, t1r + t3i, t1i - t3r, w1r, w1i);
            Store(ref yr, ref yi, o + 2 * s, t0r - t2r, t0i - t2i, w2r, w2i);
            Store(ref yr, ref yi, o + 3 * s, t1r - t3i, t1i + t3r, w3r, w3i);
        }
    }

    private static void Radix3(ReadOnlySpan<float> xRe, ReadOnlySpan<float> xIm, Span<float> yRe, Span<float> yIm, in Stage st, int p, int q0, int tw)
    {
        int s = st.Stride, m = st.Span;
        ref float xr = ref MemoryMarshal.GetReference(xRe), xi = ref MemoryMarshal.GetReference(xIm);
        ref float yr = ref MemoryMarshal.GetReference(yRe), yi = ref MemoryMarshal.GetReference(yIm);
        float w1r = st.TwiddleRe[tw], w1i = st.TwiddleIm[tw];
        float w2r = st.TwiddleRe[tw + 1], w2i = st.TwiddleIm[tw + 1];
        for (int q = q0; q < s; q++)
        {
            int i0 = q + s * p, sm = s * m;
            float a0r = Unsafe.Add(ref xr, i0), a0i = Unsafe.Add(ref xi, i0);
            float a1r = Unsafe.Add(ref xr, i0 + sm), a1i = Unsafe.Add(ref xi, i0 + sm);
            float a2r = Unsafe.Add(ref xr, i0 + 2 * sm), a2i = Unsafe.Add(ref xi, i0 + 2 * sm);
            float sr = a1r + a2r, si = a1i + a2i;
            float mr = a0r - 0.5f * sr, mi = a0i - 0.5f * si;
            float dr = Sin60 * (a1r - a2r), di = Sin60 * (a1i - a2i);
            int o = q + s * 3 * p;
            Unsafe.Add(ref yr, o) = a0r + sr; Unsafe.Add(ref yi, o) = a0i + si;
            Store(ref yr, ref yi, o + s, mr + di, mi - dr, w1r, w1i);
            Store(ref yr, ref yi, o + 2 * s, mr - di, mi + dr, w2r, w2i);
        }
    }

    private static void Radix5(ReadOnlySpan<float> xRe, ReadOnlySpan<float> xIm, Span<float> yRe, Span<float> yIm, in Stage st, int p, int q0, int tw)
    {
        int s = st.Stride, m = st.Span;
        ref float xr = ref MemoryMarshal.GetReference(xRe), xi = ref MemoryMarshal.GetReference(xIm);
        ref float yr = ref MemoryMarshal.GetReference(yRe), yi = ref MemoryMarshal.GetReference(yIm);
        float w1r = st.TwiddleRe[tw], w1i = st.TwiddleIm[tw], w2r = st.TwiddleRe[tw + 1], w2i = st.TwiddleIm[tw + 1];
        float w3r = st.TwiddleRe[tw + 2], w3i = st.TwiddleIm[tw + 2], w4r = st.TwiddleRe[tw + 3], w4i = st.TwiddleIm[tw + 3];
        for (int q = q0; q < s; q++)
        {
            int i0 = q + s * p, sm = s * m;
            float a0r = Unsafe.Add(ref xr, i0), a0i = Unsafe.Add(ref xi, i0);
            float a1r = Unsafe.Add(ref xr, i0 + sm), a1i = Unsafe.Add(ref xi, i0 + sm);
            float a2r = Unsafe.Add(ref xr, i0 + 2 * sm), a2i = Unsafe.Add(ref xi, i0 + 2 * sm);
            float a3r = Unsafe.Add(ref xr, i0 + 3 * sm), a3i = Unsafe.Add(ref xi, i0 + 3 * sm);
            float a4r = Unsafe.Add(ref xr, i0 + 4 * sm), a4i = Unsafe.Add(ref xi, i0 + 4 * sm);
            float s14r = a1r + a4r, s14i = a1i + a4i, d14r = a1r - a4r, d14i = a1i - a4i;
            float s23r = a2r + a3r, s23i = a2i + a3i, d23r = a2r - a3r, d23i = a2i - a3i;
            float m1r = a0r + C1 * s14r + C2 * s23r, m1i = a0i + C1 * s14i + C2 * s23i;
            float m2r = a0r + C2 * s14r + C1 * s23r, m2i = a0i + C2 * s14i + C1 * s23i;
            float n1r = S1 * d14r + S2 * d23r, n1i = S1 * d14i + S2 * d23i;
            float n2r = S2 * d14r - S1 * d23r, n2i = S2 * d14i - S1 * d23i;
            int o = q + s * 5 * p;
            Unsafe.Add(ref yr, o) = a0r + s14r + s23r; Unsafe.Add(ref yi, o) = a0i + s14i + s23i;
            // b1 = m1 - i n1, b4 = m1 + i n1, b2 = m2 - i n2, b3 = m2 + i n2
            Store(ref yr, ref yi, o + s, m1r + n1i, m1i - n1r, w1r, w1i);
            Store(ref yr, ref yi, o + 2 * s, m2r + n2i, m2i - n2r, w2r, w2i);
            Store(ref yr, ref yi, o + 3 * s, m2r - n2i, m2i + n2r, w3r, w3i);
            Store(ref yr, ref yi, o + 4 * s, m1r - n1i, m1i + n1r, w4r, w4i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float yr, ref float yi, int index, float br, float bi, float wr, float wi)
    {
        Unsafe.Add(ref yr, index) = br * wr - bi * wi;
        Unsafe.Add(ref yi, index) = br * wi + bi * wr;
    }

    // SIMD butterflies: the same arithmetic on Vector<float>.Count consecutive q; return the first q not done.
    private static int Radix2Vector(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, in Stage st, int p, int tw)
    {
        int s = st.Stride, m = st.Span, w = Vector<float>.Count, q = 0;
        var w1r = new Vector<float>(st.TwiddleRe[tw]); var w1i = new Vector<float>(st.TwiddleIm[tw]);
        for (; q <= s - w; q += w)
        {
            var a0r = new Vector<float>(xr[(q + s * p)..]); var a0i = new Vector<float>(xi[(q + s * p)..]);
            var a1r = new Vector<float>(xr[(q + s * (p + m))..]); var a1i = new Vector<float>(xi[(q + s * (p + m))..]);
            int o = q + s * 2 * p;
            (a0r + a1r).CopyTo(yr[o..]); (a0i + a1i).CopyTo(yi[o..]);
            StoreVector(yr, yi, o + s, a0r - a1r, a0i - a1i, w1r, w1i);
        }
        return q;
    }

    private static int Radix4Vector(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, in Stage st, int p, int tw)
    {
        int s = st.Stride, m = st.Span, w = Vector<float>.Count, q = 0;
        var w1r = new Vector<float>(st.TwiddleRe[tw]); var w1i = new Vector<float>(st.TwiddleIm[tw]);
        var w2r = new Vector<float>(st.TwiddleRe[tw + 1]); var w2i = new Vector<float>(st.TwiddleIm[tw + 1]);
        var w3r = new Vector<float>(st.TwiddleRe[tw + 2]); var w3i = new Vector<float>(st.TwiddleIm[tw + 2]);
        for (; q <= s - w; q += w)
        {
            var a0r = new Vector<float>(xr[(q + s * p)..]); var a0i = new Vector<float>(xi[(q + s * p)..]);
            var a1r = new Vector<float>(xr[(q + s * (p + m))..]); var a1i = new Vector<float>(xi[(q + s * (p + m))..]);
            var a2r = new Vector<float>(xr[(q + s * (p + 2 * m))..]); var a2i = new Vector<float>(xi[(q + s * (p + 2 * m))..]);
            var a3r = new Vector<float>(xr[(q + s * (p + 3 * m))..]); var a3i = new Vector<float>(xi[(q + s * (p + 3 * m))..]);
            var t0r = a0r + a2r; var t0i = a0i + a2i; var t1r = a0r - a2r; var t1i = a0i - a2i;
            var t2r = a1r + a3r; var t2i = a1i + a3i; var t3r = a1r - a3r; var t3i = a1i - a3i;
            int o = q + s * 4 * p;
            (t0r + t2r).CopyTo(yr[o..]); (t0i + t2i).CopyTo(yi[o..]);
            StoreVector(yr, yi, o + s, t1r + t3i, t1i - t3r, w1r, w1i);
            StoreVector(yr, yi, o + 2 * s, t0r - t2r, t0i - t2i, w2r, w2i);
            StoreVector(yr, yi, o + 3 * s, t1r - t3i, t1i + t3r, w3r, w3i);
        }
        return q;
    }

    private static int Radix3Vector(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, in Stage st, int p, int tw)
    {
        int s = st.Stride, m = st.Span, w = Vector<float>.Count, q = 0;
        var w1r = new Vector<float>(st.TwiddleRe[tw]); var w1i = new Vector<float>(st.TwiddleIm[tw]);
        var w2r = new Vector<float>(st.TwiddleRe[tw + 1]); var w2i = new Vector<float>(st.TwiddleIm[tw + 1]);
        var half = new Vector<float>(0.5f); var sin60 = new Vector<float>(Sin60);
        for (; q <= s - w; q += w)
        {
            var a0r = new Vector<float>(xr[(q + s * p)..]); var a0i = new Vector<float>(xi[(q + s * p)..]);
            var a1r = new Vector<float>(xr[(q + s * (p + m))..]); var a1i = new Vector<float>(xi[(q + s * (p + m))..]);
            var a2r = new Vector<float>(xr[(q + s * (p + 2 * m))..]); var a2i = new Vector<float>(xi[(q + s * (p + 2 * m))..]);
            var sr = a1r + a2r; var si = a1i + a2i;
            var mr = a0r - half * sr; var mi = a0i - half * si;
            var dr = sin60 * (a1r - a2r); var di = sin60 * (a1i - a2i);
            int o = q + s * 3 * p;
            (a0r + sr).CopyTo(yr[o..]); (a0i + si).CopyTo(yi[o..]);
            StoreVector(yr, yi, o + s, mr + di, mi - dr, w1r, w1i);
            StoreVector(yr, yi, o + 2 * s, mr - di, mi + dr, w2r, w2i);
        }
        return q;
    }

    private static int Radix5Vector(ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, in Stage st, int p, int tw)
    {
        int s = st.Stride, m = st.Span, w = Vector<float>.Count, q = 0;
        var c1 = new Vector<float>(C1); var c2 = new Vector<float>(C2); var s1 = new Vector<float>(S1); var s2 = new Vector<float>(S2);
        for (; q <= s - w; q += w)
        {
            var a0r = new Vector<float>(xr[(q + s * p)..]); var a0i = new Vector<float>(xi[(q + s * p)..]);
            var a1r = new Vector<float>(xr[(q + s * (p + m))..]); var a1i = new Vector<float>(xi[(q + s * (p + m))..]);
            var a2r = new Vector<float>(xr[(q + s * (p + 2 * m))..]); var a2i = new Vector<float>(xi[(q + s * (p + 2 * m))..]);
            var a3r = new Vector<float>(xr[(q + s * (p + 3 * m))..]); var a3i = new Vector<float>(xi[(q + s * (p + 3 * m))..]);
            var a4r = new Vector<float>(xr[(q + s * (p + 4 * m))..]); var a4i = new Vector<float>(xi[(q + s * (p + 4 * m))..]);
            var s14r = a1r + a4r; var s14i = a1i + a4i; var d14r = a1r - a4r; var d14i = a1i - a4i;
            var s23r = a2r + a3r; var s23i = a2i + a3i; var d23r = a2r - a3r; var d23i = a2i - a3i;
            var m1r = a0r + c1 * s14r + c2 * s23r; var m1i = a0i + c1 * s14i + c2 * s23i;
            var m2r = a0r + c2 * s14r + c1 * s23r; var m2i = a0i + c2 * s14i + c1 * s23i;
            var n1r = s1 * d14r + s2 * d23r; var n1i = s1 * d14i + s2 * d23i;
            var n2r = s2 * d14r - s1 * d23r; var n2i = s2 * d14i - s1 * d23i;
            int o = q + s * 5 * p;
            (a0r + s14r + s23r).CopyTo(yr[o..]); (a0i + s14i + s23i).CopyTo(yi[o..]);
            StoreVector(yr, yi, o + s, m1r + n1i, m1i - n1r, new(st.TwiddleRe[tw]), new(st.TwiddleIm[tw]));
            StoreVector(yr, yi, o + 2 * s, m2r + n2i, m2i - n2r, new(st.TwiddleRe[tw + 1]), new(st.TwiddleIm[tw + 1]));
            StoreVector(yr, yi, o + 3 * s, m2r - n2i, m2i + n2r, new(st.TwiddleRe[tw + 2]), new(st.TwiddleIm[tw + 2]));
            StoreVector(yr, yi, o + 4 * s, m1r - n1i, m1i + n1r, new(st.TwiddleRe[tw + 3]), new(st.TwiddleIm[tw + 3]));
        }
        return q;
    }

    private static void StoreVector(Span<float> yr, Span<float> yi, int index, Vector<float> br, Vector<float> bi, Vector<float> wr, Vector<float> wi)
    {
        (br * wr - bi * wi).CopyTo(yr[index..]);
        (br * wi + bi * wr).CopyTo(yi[index..]);
    }

}
