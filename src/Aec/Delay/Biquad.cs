using Beryl.Aec.Simd;

namespace Beryl.Aec.Delay;

/// <summary>Second-order IIR section (transposed direct form II) designed by the bilinear transform.</summary>
internal struct Biquad
{
    private readonly float _b0, _b1, _b2, _a1, _a2;
    private float _z1, _z2;

    private Biquad(double b0, double b1, double b2, double a0, double a1, double a2)
    {
        _b0 = (float)(b0 / a0); _b1 = (float)(b1 / a0); _b2 = (float)(b2 / a0);
        _a1 = (float)(a1 / a0); _a2 = (float)(a2 / a0);
        _z1 = _z2 = 0f;
    }

    public static Biquad LowPass(double cutoffHz, double sampleRate, double q)
    {
        double w = 2 * Math.PI * cutoffHz / sampleRate, alpha = Math.Sin(w) / (2 * q), c = Math.Cos(w);
        return new Biquad((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
    }

    public static Biquad HighPass(double cutoffHz, double sampleRate, double q)
    {
        double w = 2 * Math.PI * cutoffHz / sampleRate, alpha = Math.Sin(w) / (2 * q), c = Math.Cos(w);
        return new Biquad((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
    }

    public float Process(float x)
    {
        float y = _b0 * x + _z1;
        // Flushed so that a decaying state never turns denormal (a hundred times slower) in silence.
        _z1 = SpectralMath.FlushTiny(_b1 * x - _a1 * y + _z2);
        _z2 = SpectralMath.FlushTiny(_b2 * x - _a2 * y);
        return y;
    }
}

/// <summary>Band-limits a signal to 150..1700 Hz and keeps every n-th sample, for the 4 kHz delay search.</summary>
internal sealed class Decimator
{
    // Q of the two sections of a 4th-order Butterworth low-pass.
    private const double Q1 = 0.5411961, Q2 = 1.3065630;
    private Biquad _low1, _low2, _high;
    private readonly int _factor;
    private int _phase;

    public Decimator(int sampleRate, int outputRate)
    {
        _factor = sampleRate / outputRate;
        _low1 = Biquad.LowPass(0.425 * outputRate, sampleRate, Q1);
        _low2 = Biquad.LowPass(0.425 * outputRate, sampleRate, Q2);
        _high = Biquad.HighPass(150, sampleRate, 0.7071);
    }

    /// <summary>Filters <paramref name="input"/> and writes the kept samples; returns how many were written.</summary>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        int written = 0;
        foreach (float x in input)
        {
            float y = _low2.Process(_low1.Process(_high.Process(x)));
            if (_phase == 0) output[written++] = y;
            if (++_phase == _factor) _phase = 0;
        }
        return written;
    }
}
