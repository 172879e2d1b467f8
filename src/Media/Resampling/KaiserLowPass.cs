namespace Beryl.Media.Resampling;

/// <summary>
/// Linear-phase low-pass FIR design with a Kaiser-windowed sinc (Kaiser's empirical formulas for the window shape and
/// the length that reach a given stopband attenuation over a given transition width).
/// </summary>
internal static class KaiserLowPass
{
    /// <summary>Kaiser window shape parameter β for a stopband attenuation in dB.</summary>
    public static double Beta(double attenuationDb) => attenuationDb switch
    {
        > 50 => 0.1102 * (attenuationDb - 8.7),
        >= 21 => 0.5842 * Math.Pow(attenuationDb - 21, 0.4) + 0.07886 * (attenuationDb - 21),
        _ => 0,
    };

    /// <summary>Taps needed for <paramref name="attenuationDb"/> over a transition of <paramref name="transitionWidth"/> cycles per sample.</summary>
    public static int Length(double attenuationDb, double transitionWidth) =>
        (int)Math.Ceiling((attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionWidth)) + 1;

    /// <summary>
    /// Fills <paramref name="taps"/> with a low-pass of cutoff <paramref name="cutoff"/> cycles per sample (the −6 dB point),
    /// centred on the middle of the span, scaled so that the taps sum to <paramref name="dcGain"/>.
    /// </summary>
    public static void Design(Span<double> taps, double cutoff, double beta, double dcGain)
    {
        double centre = (taps.Length - 1) / 2.0;
        double windowScale = 1 / BesselI0(beta);
        double sum = 0;
        for (int i = 0; i < taps.Length; i++)
        {
            double x = i - centre;
            double sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            double r = centre == 0 ? 0 : x / centre;
            taps[i] = sinc * BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - r * r))) * windowScale;
            sum += taps[i];
        }

        // Normalising the sum removes the small DC error the truncated sinc leaves.
        double scale = dcGain / sum;
        for (int i = 0; i < taps.Length; i++)
            taps[i] *= scale;
    }

    /// <summary>Modified Bessel function of the first kind, order 0, by its power series (converges for all x).</summary>
    internal static double BesselI0(double x)
    {
        double half = x / 2;
        double term = 1;
        double sum = 1;
        for (int k = 1; term > sum * 1e-17; k++)
        {
            term *= half / k * (half / k);
            sum += term;
        }

        return sum;
    }
}
