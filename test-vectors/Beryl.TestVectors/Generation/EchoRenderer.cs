using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors;

/// <summary>
/// Renders the echo at the microphones: loudspeaker signals convolved with the echo paths (render
/// clock), then bulk delay and clock drift: echo[n] = u(n / (1 + drift) - delay), optionally switching
/// to a second set of paths at the echo path change with a raised-cosine cross-fade.
/// </summary>
public static class EchoRenderer
{
    /// <summary>Cross-fade length of an echo path change, seconds.</summary>
    public const double PathChangeFadeS = 0.01;

    /// <summary>
    /// Echo per capture channel ([capture][frame], <paramref name="frames"/> long).
    /// </summary>
    /// <param name="loudspeaker">Loudspeaker signals [render][frame] (render clock).</param>
    /// <param name="paths">Echo paths, capture-major (index mic * render + speaker).</param>
    /// <param name="capture">Number of mics.</param>
    /// <param name="frames">Output length.</param>
    /// <param name="delaySamples">Bulk delay in samples (negative: echo leads the reference).</param>
    /// <param name="drift">Clock offset ppm * 1e-6.</param>
    /// <param name="pathsAfterChange">Paths after the change, or null.</param>
    /// <param name="changeSample">Output sample of the change (centre of the cross-fade).</param>
    /// <param name="sampleRate">Sample rate (for the cross-fade length).</param>
    public static double[][] Render(IReadOnlyList<double[]> loudspeaker, IReadOnlyList<double[]> paths, int capture, int frames,
        double delaySamples, double drift, IReadOnlyList<double[]>? pathsAfterChange = null, int changeSample = 0, int sampleRate = 16000)
    {
        var a = RenderPaths(loudspeaker, paths, capture, frames, delaySamples, drift);
        if (pathsAfterChange == null) return a;
        var b = RenderPaths(loudspeaker, pathsAfterChange, capture, frames, delaySamples, drift);
        int fade = Math.Max(1, (int)Math.Round(PathChangeFadeS * sampleRate));
        int start = changeSample - fade / 2;
        for (int m = 0; m < capture; m++)
        {
            for (int n = 0; n < frames; n++)
            {
                double w = n < start ? 0 : n >= start + fade ? 1 : 0.5 - 0.5 * Math.Cos(Math.PI * (n - start + 0.5) / fade);
                a[m][n] = (1 - w) * a[m][n] + w * b[m][n];
            }
        }
        return a;
    }

    private static double[][] RenderPaths(IReadOnlyList<double[]> loudspeaker, IReadOnlyList<double[]> paths, int capture, int frames,
        double delaySamples, double drift)
    {
        int render = loudspeaker.Count;
        if (paths.Count != capture * render)
            throw new ArgumentException($"Expected {capture * render} echo paths, got {paths.Count}.");
        // Render-clock samples needed: up to (frames - 1) / (1 + drift) - delay plus the interpolation support.
        int needed = (int)Math.Ceiling((frames - 1) / (1 + drift) - delaySamples) + SincKernel.Default.HalfWidth + 2;
        var result = new double[capture][];
        for (int m = 0; m < capture; m++)
        {
            var u = new double[Math.Max(1, needed)];
            for (int s = 0; s < render; s++)
            {
                var part = FftConvolver.Convolve(loudspeaker[s], paths[m * render + s], Math.Max(1, needed));
                for (int i = 0; i < u.Length; i++) u[i] += part[i];
            }
            result[m] = TimeWarp.Apply(u, frames, delaySamples, drift);
        }
        return result;
    }
}
