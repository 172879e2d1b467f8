namespace Beryl.Aec.Fft;

/// <summary>
/// FFT of a real sequence of even length N through a complex FFT of length N/2. Spectra are held as
/// split arrays of N/2 + 1 bins (DC to Nyquist).
/// </summary>
internal sealed class RealFft
{
    private readonly ComplexFft _half;
    private readonly float[] _zRe, _zIm, _wRe, _wIm;

    public RealFft(int size, bool simd)
    {
        if (size < 2 || size % 2 != 0) throw new ArgumentException($"Real FFT size must be even, not {size}.", nameof(size));
        Size = size;
        int m = size / 2;
        _half = new ComplexFft(m, simd);
        _zRe = new float[m];
        _zIm = new float[m];
        _wRe = new float[m + 1];
        _wIm = new float[m + 1];
        for (int k = 0; k <= m; k++)
        {
            double angle = -2.0 * Math.PI * k / size;
            _wRe[k] = (float)Math.Cos(angle);
            _wIm[k] = (float)Math.Sin(angle);
        }
    }

    /// <summary>Length of the real sequence.</summary>
    public int Size { get; }

    /// <summary>Number of bins of the half spectrum, N/2 + 1.</summary>
    public int Bins => Size / 2 + 1;

    /// <summary>Unnormalised forward transform of <paramref name="x"/> into <paramref name="re"/>/<paramref name="im"/>.</summary>
    public void Forward(ReadOnlySpan<float> x, Span<float> re, Span<float> im)
    {
        int m = Size / 2;
        if (x.Length != Size || re.Length < m + 1 || im.Length < m + 1) throw new ArgumentException("Buffer lengths do not fit the FFT size.");
        for (int n = 0; n < m; n++)
        {
            _zRe[n] = x[2 * n];
            _zIm[n] = x[2 * n + 1];
        }
        _half.Forward(_zRe, _zIm);
        re[0] = _zRe[0] + _zIm[0];
        im[0] = 0f;
        re[m] = _zRe[0] - _zIm[0];
        im[m] = 0f;
        for (int k = 1; k < m; k++)
        {
            float ar = _zRe[k], ai = _zIm[k], br = _zRe[m - k], bi = -_zIm[m - k];
            // even part (a + b)/2, odd part (a - b)/(2i)
            float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
            float or = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
            re[k] = er + or * _wRe[k] - oi * _wIm[k];
            im[k] = ei + or * _wIm[k] + oi * _wRe[k];
        }
    }

    /// <summary>Inverse transform (with the 1/N scale) of a half spectrum into <paramref name="x"/>.</summary>
    public void Inverse(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> x)
    {
        int m = Size / 2;
        if (x.Length != Size || re.Length < m + 1 || im.Length < m + 1) throw new ArgumentException("Buffer lengths do not fit the FFT size.");
        for (int k = 0; k < m; k++)
        {
            float ar = re[k], ai = im[k], br = re[m - k], bi = -im[m - k];
            float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
            // odd part times W^{-k}: ((a - b)/2) * conj(w)
            float dr = 0.5f * (ar - br), di = 0.5f * (ai - bi);
            float or = dr * _wRe[k] + di * _wIm[k], oi = di * _wRe[k] - dr * _wIm[k];
            // Z = E + i O
            _zRe[k] = er - oi;
            _zIm[k] = ei + or;
        }
        _half.Inverse(_zRe, _zIm);
        for (int n = 0; n < m; n++)
        {
            x[2 * n] = _zRe[n];
            x[2 * n + 1] = _zIm[n];
        }
    }
}
