namespace Beryl.TestVectors.Dsp;

/// <summary>
/// One second-order section b0 + b1 z^-1 + b2 z^-2 over 1 + a1 z^-1 + a2 z^-2
/// (a0 normalised to 1), run in transposed direct form II.
/// </summary>
public readonly record struct Biquad(double B0, double B1, double B2, double A1, double A2)
{
    /// <summary>DC gain (b0 + b1 + b2) / (1 + a1 + a2).</summary>
    public double DcGain => (B0 + B1 + B2) / (1.0 + A1 + A2);

    /// <summary>
    /// Steady-state state (z0, z1) of the section for a unit step input,
    /// the same as scipy's lfilter_zi.
    /// </summary>
    public (double Z0, double Z1) StepInitialState()
    {
        double c0 = B1 - A1 * B0;
        double c1 = B2 - A2 * B0;
        double den = 1.0 + A1 + A2;
        double z0 = (c0 + c1) / den;
        return (z0, c1 - A2 * z0);
    }

    /// <summary>Complex response at normalised angular frequency <paramref name="omega"/> (rad/sample).</summary>
    public System.Numerics.Complex Response(double omega)
    {
        var z1 = System.Numerics.Complex.FromPolarCoordinates(1.0, -omega);
        var z2 = z1 * z1;
        return (B0 + B1 * z1 + B2 * z2) / (1.0 + A1 * z1 + A2 * z2);
    }

    /// <summary>
    /// Filters <paramref name="x"/> in place starting from state (z0, z1), which is updated.
    /// </summary>
    public void Process(Span<double> x, ref double z0, ref double z1)
    {
        double s0 = z0, s1 = z1;
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i];
            double y = B0 * xi + s0;
            s0 = B1 * xi - A1 * y + s1;
            s1 = B2 * xi - A2 * y;
            x[i] = y;
        }
        z0 = s0;
        z1 = s1;
    }
}
