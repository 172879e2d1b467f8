namespace Beryl.TestVectors.Synthesis;

/// <summary>Klatt-style two-pole resonator with unity gain at DC; coefficients can change every sample.</summary>
internal struct Resonator
{
    private double _a, _b, _c, _y1, _y2;

    public void Set(double freqHz, double bandwidthHz, double sampleRate)
    {
        double t = 1.0 / sampleRate;
        _c = -Math.Exp(-2 * Math.PI * bandwidthHz * t);
        _b = 2 * Math.Exp(-Math.PI * bandwidthHz * t) * Math.Cos(2 * Math.PI * freqHz * t);
        _a = 1 - _b - _c;
    }

    public double Process(double x)
    {
        double y = _a * x + _b * _y1 + _c * _y2;
        _y2 = _y1;
        _y1 = y;
        return y;
    }
}

/// <summary>Band-pass biquad with 0 dB peak gain (for frication noise).</summary>
internal struct BandPassFilter
{
    private double _b0, _a1, _a2, _x1, _x2, _y1, _y2;

    public void Set(double centerHz, double bandwidthHz, double sampleRate)
    {
        double w0 = 2 * Math.PI * centerHz / sampleRate;
        double q = Math.Max(0.3, centerHz / Math.Max(1, bandwidthHz));
        double alpha = Math.Sin(w0) / (2 * q);
        double a0 = 1 + alpha;
        _b0 = alpha / a0;
        _a1 = -2 * Math.Cos(w0) / a0;
        _a2 = (1 - alpha) / a0;
    }

    public double Process(double x)
    {
        double y = _b0 * (x - _x2) - _a1 * _y1 - _a2 * _y2;
        _x2 = _x1;
        _x1 = x;
        _y2 = _y1;
        _y1 = y;
        return y;
    }
}
