namespace Beryl.TestVectors.Synthesis;

/// <summary>
/// One period of a band-limited harmonic waveform (harmonic k with amplitude k^-rolloff, up to a maximum
/// frequency), read with linear interpolation. Cheap oscillator for the music synthesiser.
/// </summary>
internal sealed class Wavetable
{
    private const int Size = 2048;
    private readonly float[] _table = new float[Size + 1];

    public Wavetable(int harmonics, double rolloff, double oddBoost = 1.0)
    {
        double norm = 0;
        for (int k = 1; k <= harmonics; k++) norm += Math.Pow(k, -rolloff) * (k % 2 == 1 ? oddBoost : 1);
        for (int i = 0; i <= Size; i++)
        {
            double ph = 2 * Math.PI * i / Size, v = 0;
            for (int k = 1; k <= harmonics; k++) v += Math.Pow(k, -rolloff) * (k % 2 == 1 ? oddBoost : 1) * Math.Sin(k * ph);
            _table[i] = (float)(v / norm);
        }
    }

    /// <summary>Value at phase in cycles (any real number).</summary>
    public double At(double phase)
    {
        double p = (phase - Math.Floor(phase)) * Size;
        int i = (int)p;
        double f = p - i;
        return _table[i] + f * (_table[i + 1] - _table[i]);
    }

    /// <summary>Number of harmonics that stay below <paramref name="maxHz"/> for fundamental <paramref name="f0"/>.</summary>
    public static int HarmonicsBelow(double f0, double maxHz, int cap) => Math.Clamp((int)(maxHz / f0), 1, cap);
}
