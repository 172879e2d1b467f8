namespace Beryl.Media.Audio;

/// <summary>
/// Reads a signal at fractional positions with a Blackman-windowed sinc of <see cref="Taps"/> taps,
/// from a table of phases interpolated linearly. At an integer position the kernel is a unit impulse,
/// so a signal read without drift comes out bit-exact.
/// </summary>
internal static class DriftInterpolator
{
    /// <summary>Taps of the kernel: samples floor(t) − <see cref="Taps"/>/2 + 1 .. floor(t) + <see cref="Taps"/>/2 are read.</summary>
    public const int Taps = 16;

    /// <summary>Taps on each side of the position.</summary>
    public const int Half = Taps / 2;

    private const int Phases = 256;

    /// <summary>(Phases + 1) kernels of <see cref="Taps"/> coefficients; kernel p is for fraction p / Phases.</summary>
    private static readonly float[] Table = BuildTable();

    /// <summary>
    /// The value at <paramref name="position"/> of the signal whose sample at integer position p is
    /// <c>history[p &amp; mask]</c>.
    /// </summary>
    public static float Read(ReadOnlySpan<float> history, int mask, double position)
    {
        long whole = (long)Math.Floor(position);
        double phase = (position - whole) * Phases;
        int p = (int)phase;
        float a = (float)(phase - p);
        ReadOnlySpan<float> k0 = Table.AsSpan(p * Taps, Taps), k1 = Table.AsSpan((p + 1) * Taps, Taps);
        long first = whole - Half + 1;
        float sum = 0f;
        for (int i = 0; i < Taps; i++)
        {
            float c = k0[i] + a * (k1[i] - k0[i]);
            sum += c * history[(int)((first + i) & mask)];
        }
        return sum;
    }

    private static float[] BuildTable()
    {
        var table = new float[(Phases + 1) * Taps];
        for (int p = 0; p <= Phases; p++)
        {
            double fraction = (double)p / Phases;
            double sum = 0;
            for (int i = 0; i < Taps; i++)
            {
                double x = i - Half + 1 - fraction;
                // Exact zeros at the integers keep the integer-position kernel a pure impulse.
                double sinc = x == 0 ? 1 : x == Math.Round(x) ? 0 : Math.Sin(Math.PI * x) / (Math.PI * x);
                double window = 0.42 + 0.5 * Math.Cos(Math.PI * x / Half) + 0.08 * Math.Cos(2 * Math.PI * x / Half);
                table[p * Taps + i] = (float)(sinc * window);
                sum += sinc * window;
            }
            // Unit gain at DC for every phase, so a constant does not ripple as the phase moves.
            for (int i = 0; i < Taps; i++)
                table[p * Taps + i] = (float)(table[p * Taps + i] / sum);
        }
        return table;
    }
}
