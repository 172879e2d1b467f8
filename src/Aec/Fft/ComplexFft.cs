using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Fft;

/// <summary>
/// Mixed-radix (4, 2, 3, 5) complex FFT in Stockham autosort form on split real/imaginary arrays.
/// Sizes are the 10 ms block sizes of every supported rate, so no power-of-two padding is needed.
/// Stage k reads x[q + s(p + j m)] and writes y[q + s(r p + k)]: the innermost loop runs over q,
/// contiguous memory, and is vectorised once the stride s holds a whole vector.
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
        ref float srcRe = ref MemoryMarshal.GetReference(re), srcIm = ref MemoryMarshal.GetReference(im);
        ref float dstRe = ref MemoryMarshal.GetArrayDataReference(_workRe), dstIm = ref MemoryMarshal.GetArrayDataReference(_workIm);
        foreach (var stage in _stages)
        {
            bool vector = _simd && stage.Stride >= Vector<float>.Count;
            switch (stage.Radix)
            {
                case 4: Radix4(ref srcRe, ref srcIm, ref dstRe, ref dstIm, stage, vector); break;
                case 2: Radix2(ref srcRe, ref srcIm, ref dstRe, ref dstIm, stage, vector); break;
                case 3: Radix3(ref srcRe, ref srcIm, ref dstRe, ref dstIm, stage, vector); break;
                default: Radix5(ref srcRe, ref srcIm, ref dstRe, ref dstIm, stage, vector); break;
            }
            ref float tRe = ref srcRe; srcRe = ref dstRe; dstRe = ref tRe;
            ref float tIm = ref srcIm; srcIm = ref dstIm; dstIm = ref tIm;
        }
        if (_stages.Length % 2 == 1)
        {
            _workRe.CopyTo(re);
            _workIm.CopyTo(im);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ref float x, int index) => Vector.LoadUnsafe(ref x, (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float yr, ref float yi, int index, float br, float bi, float wr, float wi)
    {
        Unsafe.Add(ref yr, index) = br * wr - bi * wi;
        Unsafe.Add(ref yi, index) = br * wi + bi * wr;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float yr, ref float yi, int index, Vector<float> br, Vector<float> bi, Vector<float> wr, Vector<float> wi)
    {
        (br * wr - bi * wi).StoreUnsafe(ref yr, (nuint)index);
        (br * wi + bi * wr).StoreUnsafe(ref yi, (nuint)index);
    }

    private static void Radix2(ref float xr, ref float xi, ref float yr, ref float yi, in Stage st, bool vector)
    {
        int s = st.Stride, m = st.Span, w = Vector<float>.Count;
        for (int p = 0; p < m; p++)
        {
            float w1r = st.TwiddleRe[p], w1i = st.TwiddleIm[p];
            int i0 = s * p, i1 = i0 + s * m, o = s * 2 * p, q = 0;
            if (vector)
            {
                var v1r = new Vector<float>(w1r); var v1i = new Vector<float>(w1i);
                for (; q <= s - w; q += w)
                {
                    var a0r = Load(ref xr, i0 + q); var a0i = Load(ref xi, i0 + q);
                    var a1r = Load(ref xr, i1 + q); var a1i = Load(ref xi, i1 + q);
                    (a0r + a1r).StoreUnsafe(ref yr, (nuint)(o + q)); (a0i + a1i).StoreUnsafe(ref yi, (nuint)(o + q));
                    Store(ref yr, ref yi, o + s + q, a0r - a1r, a0i - a1i, v1r, v1i);
                }
            }
            for (; q < s; q++)
            {
                float a0r = Unsafe.Add(ref xr, i0 + q), a0i = Unsafe.Add(ref xi, i0 + q);
                float a1r = Unsafe.Add(ref xr, i1 + q), a1i = Unsafe.Add(ref xi, i1 + q);
                Unsafe.Add(ref yr, o + q) = a0r + a1r; Unsafe.Add(ref yi, o + q) = a0i + a1i;
                Store(ref yr, ref yi, o + s + q, a0r - a1r, a0i - a1i, w1r, w1i);
            }
        }
    }

    private static void Radix4(ref float xr, ref float xi, ref float yr, ref float yi, in Stage st, bool vector)
    {
        int s = st.Stride, m = st.Span, sm = s * m, w = Vector<float>.Count;
        for (int p = 0; p < m; p++)
        {
            int tw = 3 * p;
            float w1r = st.TwiddleRe[tw], w1i = st.TwiddleIm[tw];
            float w2r = st.TwiddleRe[tw + 1], w2i = st.TwiddleIm[tw + 1];
            float w3r = st.TwiddleRe[tw + 2], w3i = st.TwiddleIm[tw + 2];
            int i0 = s * p, o = s * 4 * p, q = 0;
            if (vector)
            {
                var v1r = new Vector<float>(w1r); var v1i = new Vector<float>(w1i);
                var v2r = new Vector<float>(w2r); var v2i = new Vector<float>(w2i);
                var v3r = new Vector<float>(w3r); var v3i = new Vector<float>(w3i);
                for (; q <= s - w; q += w)
                {
                    int i = i0 + q;
                    var a0r = Load(ref xr, i); var a0i = Load(ref xi, i);
                    var a1r = Load(ref xr, i + sm); var a1i = Load(ref xi, i + sm);
                    var a2r = Load(ref xr, i + 2 * sm); var a2i = Load(ref xi, i + 2 * sm);
                    var a3r = Load(ref xr, i + 3 * sm); var a3i = Load(ref xi, i + 3 * sm);
                    var t0r = a0r + a2r; var t0i = a0i + a2i; var t1r = a0r - a2r; var t1i = a0i - a2i;
                    var t2r = a1r + a3r; var t2i = a1i + a3i; var t3r = a1r - a3r; var t3i = a1i - a3i;
                    (t0r + t2r).StoreUnsafe(ref yr, (nuint)(o + q)); (t0i + t2i).StoreUnsafe(ref yi, (nuint)(o + q));
                    Store(ref yr, ref yi, o + s + q, t1r + t3i, t1i - t3r, v1r, v1i);
                    Store(ref yr, ref yi, o + 2 * s + q, t0r - t2r, t0i - t2i, v2r, v2i);
                    Store(ref yr, ref yi, o + 3 * s + q, t1r - t3i, t1i + t3r, v3r, v3i);
                }
            }
            for (; q < s; q++)
            {
                int i = i0 + q;
                float a0r = Unsafe.Add(ref xr, i), a0i = Unsafe.Add(ref xi, i);
                float a1r = Unsafe.Add(ref xr, i + sm), a1i = Unsafe.Add(ref xi, i + sm);
                float a2r = Unsafe.Add(ref xr, i + 2 * sm), a2i = Unsafe.Add(ref xi, i + 2 * sm);
                float a3r = Unsafe.Add(ref xr, i + 3 * sm), a3i = Unsafe.Add(ref xi, i + 3 * sm);
                float t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
                float t2r = a1r + a3r, t2i = a1i + a3i, t3r = a1r - a3r, t3i = a1i - a3i;
                Unsafe.Add(ref yr, o + q) = t0r + t2r; Unsafe.Add(ref yi, o + q) = t0i + t2i;
                // -i * t3 = (t3i, -t3r)
                Store(ref yr, ref yi, o + s + q, t1r + t3i, t1i - t3r, w1r, w1i);
                Store(ref yr, ref yi, o + 2 * s + q, t0r - t2r, t0i - t2i, w2r, w2i);
                Store(ref yr, ref yi, o + 3 * s + q, t1r - t3i, t1i + t3r, w3r, w3i);
            }
        }
    }

    private static void Radix3(ref float xr, ref float xi, ref float yr, ref float yi, in Stage st, bool vector)
    {
        int s = st.Stride, m = st.Span, sm = s * m, w = Vector<float>.Count;
        for (int p = 0; p < m; p++)
        {
            int tw = 2 * p;
            float w1r = st.TwiddleRe[tw], w1i = st.TwiddleIm[tw];
            float w2r = st.TwiddleRe[tw + 1], w2i = st.TwiddleIm[tw + 1];
            int i0 = s * p, o = s * 3 * p, q = 0;
            if (vector)
            {
                var v1r = new Vector<float>(w1r); var v1i = new Vector<float>(w1i);
                var v2r = new Vector<float>(w2r); var v2i = new Vector<float>(w2i);
                var half = new Vector<float>(0.5f); var sin60 = new Vector<float>(Sin60);
                for (; q <= s - w; q += w)
                {
                    int i = i0 + q;
                    var a0r = Load(ref xr, i); var a0i = Load(ref xi, i);
                    var a1r = Load(ref xr, i + sm); var a1i = Load(ref xi, i + sm);
                    var a2r = Load(ref xr, i + 2 * sm); var a2i = Load(ref xi, i + 2 * sm);
                    var sr = a1r + a2r; var si = a1i + a2i;
                    var mr = a0r - half * sr; var mi = a0i - half * si;
                    var dr = sin60 * (a1r - a2r); var di = sin60 * (a1i - a2i);
                    (a0r + sr).StoreUnsafe(ref yr, (nuint)(o + q)); (a0i + si).StoreUnsafe(ref yi, (nuint)(o + q));
                    Store(ref yr, ref yi, o + s + q, mr + di, mi - dr, v1r, v1i);
                    Store(ref yr, ref yi, o + 2 * s + q, mr - di, mi + dr, v2r, v2i);
                }
            }
            for (; q < s; q++)
            {
                int i = i0 + q;
                float a0r = Unsafe.Add(ref xr, i), a0i = Unsafe.Add(ref xi, i);
                float a1r = Unsafe.Add(ref xr, i + sm), a1i = Unsafe.Add(ref xi, i + sm);
                float a2r = Unsafe.Add(ref xr, i + 2 * sm), a2i = Unsafe.Add(ref xi, i + 2 * sm);
                float sr = a1r + a2r, si = a1i + a2i;
                float mr = a0r - 0.5f * sr, mi = a0i - 0.5f * si;
                float dr = Sin60 * (a1r - a2r), di = Sin60 * (a1i - a2i);
                Unsafe.Add(ref yr, o + q) = a0r + sr; Unsafe.Add(ref yi, o + q) = a0i + si;
                Store(ref yr, ref yi, o + s + q, mr + di, mi - dr, w1r, w1i);
                Store(ref yr, ref yi, o + 2 * s + q, mr - di, mi + dr, w2r, w2i);
            }
        }
    }

    private static void Radix5(ref float xr, ref float xi, ref float yr, ref float yi, in Stage st, bool vector)
    {
        int s = st.Stride, m = st.Span, sm = s * m, w = Vector<float>.Count;
        for (int p = 0; p < m; p++)
        {
            int tw = 4 * p;
            float w1r = st.TwiddleRe[tw], w1i = st.TwiddleIm[tw], w2r = st.TwiddleRe[tw + 1], w2i = st.TwiddleIm[tw + 1];
            float w3r = st.TwiddleRe[tw + 2], w3i = st.TwiddleIm[tw + 2], w4r = st.TwiddleRe[tw + 3], w4i = st.TwiddleIm[tw + 3];
            int i0 = s * p, o = s * 5 * p, q = 0;
            if (vector)
            {
                var c1 = new Vector<float>(C1); var c2 = new Vector<float>(C2); var s1 = new Vector<float>(S1); var s2 = new Vector<float>(S2);
                for (; q <= s - w; q += w)
                {
                    int i = i0 + q;
                    var a0r = Load(ref xr, i); var a0i = Load(ref xi, i);
                    var a1r = Load(ref xr, i + sm); var a1i = Load(ref xi, i + sm);
                    var a2r = Load(ref xr, i + 2 * sm); var a2i = Load(ref xi, i + 2 * sm);
                    var a3r = Load(ref xr, i + 3 * sm); var a3i = Load(ref xi, i + 3 * sm);
                    var a4r = Load(ref xr, i + 4 * sm); var a4i = Load(ref xi, i + 4 * sm);
                    var s14r = a1r + a4r; var s14i = a1i + a4i; var d14r = a1r - a4r; var d14i = a1i - a4i;
                    var s23r = a2r + a3r; var s23i = a2i + a3i; var d23r = a2r - a3r; var d23i = a2i - a3i;
                    var m1r = a0r + c1 * s14r + c2 * s23r; var m1i = a0i + c1 * s14i + c2 * s23i;
                    var m2r = a0r + c2 * s14r + c1 * s23r; var m2i = a0i + c2 * s14i + c1 * s23i;
                    var n1r = s1 * d14r + s2 * d23r; var n1i = s1 * d14i + s2 * d23i;
                    var n2r = s2 * d14r - s1 * d23r; var n2i = s2 * d14i - s1 * d23i;
                    (a0r + s14r + s23r).StoreUnsafe(ref yr, (nuint)(o + q)); (a0i + s14i + s23i).StoreUnsafe(ref yi, (nuint)(o + q));
                    Store(ref yr, ref yi, o + s + q, m1r + n1i, m1i - n1r, new Vector<float>(w1r), new Vector<float>(w1i));
                    Store(ref yr, ref yi, o + 2 * s + q, m2r + n2i, m2i - n2r, new Vector<float>(w2r), new Vector<float>(w2i));
                    Store(ref yr, ref yi, o + 3 * s + q, m2r - n2i, m2i + n2r, new Vector<float>(w3r), new Vector<float>(w3i));
                    Store(ref yr, ref yi, o + 4 * s + q, m1r - n1i, m1i + n1r, new Vector<float>(w4r), new Vector<float>(w4i));
                }
            }
            for (; q < s; q++)
            {
                int i = i0 + q;
                float a0r = Unsafe.Add(ref xr, i), a0i = Unsafe.Add(ref xi, i);
                float a1r = Unsafe.Add(ref xr, i + sm), a1i = Unsafe.Add(ref xi, i + sm);
                float a2r = Unsafe.Add(ref xr, i + 2 * sm), a2i = Unsafe.Add(ref xi, i + 2 * sm);
                float a3r = Unsafe.Add(ref xr, i + 3 * sm), a3i = Unsafe.Add(ref xi, i + 3 * sm);
                float a4r = Unsafe.Add(ref xr, i + 4 * sm), a4i = Unsafe.Add(ref xi, i + 4 * sm);
                float s14r = a1r + a4r, s14i = a1i + a4i, d14r = a1r - a4r, d14i = a1i - a4i;
                float s23r = a2r + a3r, s23i = a2i + a3i, d23r = a2r - a3r, d23i = a2i - a3i;
                float m1r = a0r + C1 * s14r + C2 * s23r, m1i = a0i + C1 * s14i + C2 * s23i;
                float m2r = a0r + C2 * s14r + C1 * s23r, m2i = a0i + C2 * s14i + C1 * s23i;
                float n1r = S1 * d14r + S2 * d23r, n1i = S1 * d14i + S2 * d23i;
                float n2r = S2 * d14r - S1 * d23r, n2i = S2 * d14i - S1 * d23i;
                Unsafe.Add(ref yr, o + q) = a0r + s14r + s23r; Unsafe.Add(ref yi, o + q) = a0i + s14i + s23i;
                // b1 = m1 - i n1, b4 = m1 + i n1, b2 = m2 - i n2, b3 = m2 + i n2
                Store(ref yr, ref yi, o + s + q, m1r + n1i, m1i - n1r, w1r, w1i);
                Store(ref yr, ref yi, o + 2 * s + q, m2r + n2i, m2i - n2r, w2r, w2i);
                Store(ref yr, ref yi, o + 3 * s + q, m2r - n2i, m2i + n2r, w3r, w3i);
                Store(ref yr, ref yi, o + 4 * s + q, m1r - n1i, m1i + n1r, w4r, w4i);
            }
        }
    }
}
