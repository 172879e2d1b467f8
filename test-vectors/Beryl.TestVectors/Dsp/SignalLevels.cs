namespace Beryl.TestVectors.Dsp;

/// <summary>Level measurements used by the generator (dBFS re a full-scale square wave, i.e. 20log10 RMS).</summary>
public static class SignalLevels
{
    /// <summary>Frame length of the active-level measurement (10 ms).</summary>
    public const double FrameSeconds = 0.01;

    /// <summary>Frames within this many dB of the loudest frame count as active.</summary>
    public const double ActiveRangeDb = 30.0;

    /// <summary>Sum of squares over all channels.</summary>
    public static double Energy(IReadOnlyList<float[]> channels)
    {
        double e = 0;
        foreach (var ch in channels)
            foreach (var v in ch) e += (double)v * v;
        return e;
    }

    /// <summary>Power-to-dB with a floor (returns -200 for zero).</summary>
    public static double PowerDb(double power) => power > 0 ? 10 * Math.Log10(power) : -200.0;

    /// <summary>RMS level in dBFS over the whole signal (all channels).</summary>
    public static double RmsDbfs(IReadOnlyList<float[]> channels)
    {
        long count = channels.Sum(c => (long)c.Length);
        return count == 0 ? -200.0 : PowerDb(Energy(channels) / count);
    }

    /// <summary>
    /// Per-frame mean power (averaged over channels) on 10 ms frames; the last partial frame is dropped.
    /// </summary>
    public static double[] FramePowers(IReadOnlyList<float[]> channels, int sampleRate)
    {
        int frame = Math.Max(1, (int)Math.Round(FrameSeconds * sampleRate));
        int n = channels.Count == 0 ? 0 : channels.Min(c => c.Length);
        int frames = n / frame;
        var p = new double[frames];
        for (int f = 0; f < frames; f++)
        {
            double e = 0;
            foreach (var ch in channels)
                for (int i = f * frame; i < (f + 1) * frame; i++) e += (double)ch[i] * ch[i];
            p[f] = e / (frame * channels.Count);
        }
        return p;
    }

    /// <summary>
    /// Active level in dBFS: mean power of the 10 ms frames whose power is within 30 dB of the loudest frame.
    /// Returns -200 for silence.
    /// </summary>
    public static double ActiveLevelDbfs(IReadOnlyList<float[]> channels, int sampleRate)
        => ActiveLevelFromFrames(FramePowers(channels, sampleRate));

    /// <summary>Active level (dB) of precomputed frame powers.</summary>
    public static double ActiveLevelFromFrames(IReadOnlyList<double> framePowers)
    {
        double max = framePowers.Count == 0 ? 0 : framePowers.Max();
        if (max <= 0) return -200.0;
        double thr = max * Math.Pow(10, -ActiveRangeDb / 10);
        double sum = 0;
        int count = 0;
        foreach (var p in framePowers)
        {
            if (p >= thr)
            {
                sum += p;
                count++;
            }
        }
        return PowerDb(sum / count);
    }

    /// <summary>Multiplies every sample by <paramref name="gain"/> in place.</summary>
    public static void Scale(IReadOnlyList<float[]> channels, double gain)
    {
        foreach (var ch in channels)
            for (int i = 0; i < ch.Length; i++) ch[i] = (float)(ch[i] * gain);
    }

    /// <summary>Largest absolute sample over all channels.</summary>
    public static double Peak(IReadOnlyList<float[]> channels)
    {
        double m = 0;
        foreach (var ch in channels)
            foreach (var v in ch) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
