namespace Beryl.Aec.Suppression;

/// <summary>
/// Adds noise of a given power spectrum with random phase, so that what the suppressor removed is
/// replaced by the room's own background instead of by silence. Deterministic for a seed.
/// </summary>
internal sealed class ComfortNoiseGenerator
{
    private const int PhaseTableSize = 256;
    private static readonly float[] Cos = Table(MathF.Cos), Sin = Table(MathF.Sin);
    private uint _state;

    public ComfortNoiseGenerator(int seed) => _state = (uint)seed | 1u;

    private static float[] Table(Func<float, float> f)
    {
        var t = new float[PhaseTableSize];
        for (int i = 0; i < t.Length; i++) t[i] = f(2f * MathF.PI * i / PhaseTableSize);
        return t;
    }

    /// <summary>re/im += sqrt(power) at a random phase, per bin (DC and Nyquist left alone).</summary>
    public void Add(ReadOnlySpan<float> power, Span<float> re, Span<float> im)
    {
        for (int k = 1; k < power.Length - 1; k++)
        {
            if (power[k] <= 0f) continue;
            _state ^= _state << 13;
            _state ^= _state >> 17;
            _state ^= _state << 5;
            int phase = (int)(_state >> 24);
            float amplitude = MathF.Sqrt(power[k]);
            re[k] += amplitude * Cos[phase];
            im[k] += amplitude * Sin[phase];
        }
    }
}
