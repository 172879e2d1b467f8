namespace Beryl.TestVectors.Synthesis;

/// <summary>Raised-cosine fades.</summary>
public static class Fades
{
    /// <summary>Fades in the first <paramref name="length"/> samples.</summary>
    public static void FadeIn(Span<float> x, int length)
    {
        length = Math.Min(length, x.Length);
        for (int i = 0; i < length; i++) x[i] *= (float)(0.5 - 0.5 * Math.Cos(Math.PI * (i + 0.5) / length));
    }

    /// <summary>Fades out the last <paramref name="length"/> samples.</summary>
    public static void FadeOut(Span<float> x, int length)
    {
        length = Math.Min(length, x.Length);
        for (int i = 0; i < length; i++) x[x.Length - 1 - i] *= (float)(0.5 - 0.5 * Math.Cos(Math.PI * (i + 0.5) / length));
    }
}
