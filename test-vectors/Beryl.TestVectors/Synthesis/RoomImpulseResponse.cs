using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Synthesis;

/// <summary>
/// Synthetic room impulse responses: direct path and early reflections from an image-source model of
/// a shoebox room, plus an exponentially decaying diffuse tail matching the requested RT60, optionally
/// through a loudspeaker high-pass; also RT60 estimation and preparation of measured RIRs.
/// </summary>
public static class RoomImpulseResponse
{
    /// <summary>Speed of sound, m/s.</summary>
    public const double SpeedOfSound = 343.0;

    private static readonly SincKernel PlacementKernel = new(8, 6.0, 256);

    /// <summary>
    /// RIR from <paramref name="source"/> to <paramref name="mic"/>, peak-normalised to 1, about
    /// direct delay + 1.1 * RT60 long (last 20 ms faded).
    /// </summary>
    /// <param name="room">Room size.</param>
    /// <param name="source">Source (loudspeaker or talker) position.</param>
    /// <param name="mic">Microphone position.</param>
    /// <param name="rt60">Target reverberation time, s.</param>
    /// <param name="sampleRate">Sample rate, Hz.</param>
    /// <param name="rng">Randomness of the diffuse tail and the wall reflection factors.</param>
    /// <param name="speakerHighPassHz">4th-order Butterworth high-pass of the loudspeaker, 0 for none.</param>
    public static double[] Synthesize(ShoeboxRoom room, Point3 source, Point3 mic, double rt60, int sampleRate,
        DeterministicRandom rng, double speakerHighPassHz = 0)
    {
        double c = SpeedOfSound;
        double dDirect = Math.Max(0.02, source.DistanceTo(mic));
        double tDirect = dDirect / c;
        double tMix = Math.Clamp(0.3 * rt60, 0.03, 0.08);
        int length = (int)Math.Round((tDirect + 1.1 * rt60 + 0.01) * sampleRate);
        var h = new double[length + PlacementKernel.HalfWidth + 1];

        // Eyring: T60 = 0.161 V / (-S ln(beta^2))  =>  beta = exp(-0.0805 V / (S T60)); small per-wall spread.
        double betaMean = Math.Exp(-0.0805 * room.Volume / (room.Surface * rt60));
        var beta = new double[6];
        for (int i = 0; i < 6; i++) beta[i] = Math.Clamp(betaMean * rng.Uniform(0.96, 1.04), 0.0, 0.995);

        // Image sources up to tDirect + tMix; their amplitudes taper off over the second half of tMix
        // where the diffuse tail takes over (the tail's level is matched to the image energy before).
        double tEarly = tDirect + tMix;
        double tA = tDirect + 0.5 * tMix;
        var raw = new double[h.Length];
        double reach = c * tEarly;
        int nx = (int)Math.Ceiling(reach / (2 * room.Lx)) + 1;
        int ny = (int)Math.Ceiling(reach / (2 * room.Ly)) + 1;
        int nz = (int)Math.Ceiling(reach / (2 * room.Lz)) + 1;
        for (int qx = 0; qx <= 1; qx++)
        for (int qy = 0; qy <= 1; qy++)
        for (int qz = 0; qz <= 1; qz++)
        for (int ix = -nx; ix <= nx; ix++)
        for (int iy = -ny; iy <= ny; iy++)
        for (int iz = -nz; iz <= nz; iz++)
        {
            double x = (1 - 2 * qx) * source.X + 2 * ix * room.Lx - mic.X;
            double y = (1 - 2 * qy) * source.Y + 2 * iy * room.Ly - mic.Y;
            double z = (1 - 2 * qz) * source.Z + 2 * iz * room.Lz - mic.Z;
            double d = Math.Sqrt(x * x + y * y + z * z);
            double t = d / c;
            if (t > tEarly) continue;
            double g = Math.Pow(beta[0], Math.Abs(ix - qx)) * Math.Pow(beta[1], Math.Abs(ix))
                     * Math.Pow(beta[2], Math.Abs(iy - qy)) * Math.Pow(beta[3], Math.Abs(iy))
                     * Math.Pow(beta[4], Math.Abs(iz - qz)) * Math.Pow(beta[5], Math.Abs(iz));
            double amp = g / (4 * Math.PI * Math.Max(d, 0.02));
            double taper = t <= tA ? 1.0 : 0.5 + 0.5 * Math.Cos(Math.PI * (t - tA) / (tEarly - tA));
            Place(raw, t * sampleRate, amp);
            Place(h, t * sampleRate, amp * taper);
        }

        // Diffuse tail: Gaussian noise (gently low-passed) under exp(-6.9 t / RT60) from the direct sound,
        // faded in over the taper region, scaled to the image-source energy in [tDirect + tMix/4, tA].
        var tail = new double[length];
        double lp = Math.Exp(-2 * Math.PI * Math.Min(6000, 0.4 * sampleRate) / sampleRate);
        double state = 0;
        int start = (int)(tDirect * sampleRate);
        for (int n = start; n < length; n++)
        {
            double t = (double)(n - start) / sampleRate;
            state = lp * state + (1 - lp) * rng.NextGaussian();
            tail[n] = state * Math.Exp(-6.9078 * t / rt60);
        }
        int w0 = (int)((tDirect + 0.25 * tMix) * sampleRate), w1 = Math.Min(length, (int)(tA * sampleRate));
        double eImg = 0, eTail = 0;
        for (int n = w0; n < w1; n++)
        {
            eImg += raw[n] * raw[n];
            eTail += tail[n] * tail[n];
        }
        double tailGain = eTail > 0 ? Math.Sqrt(eImg / eTail) : 0;
        var rir = new double[length];
        for (int n = 0; n < length; n++)
        {
            double t = (double)n / sampleRate;
            double fadeIn = t <= tA ? 0.0 : t >= tEarly ? 1.0 : 0.5 - 0.5 * Math.Cos(Math.PI * (t - tA) / (tEarly - tA));
            rir[n] = h[n] + tailGain * fadeIn * tail[n];
        }

        if (speakerHighPassHz > 0)
        {
            var hp = Butterworth.HighPass2(speakerHighPassHz, sampleRate);
            BiquadCascade.Filter([hp, hp], rir);
        }
        FadeOutTail(rir, (int)(0.02 * sampleRate));
        Normalize(rir);
        return rir;
    }

    /// <summary>
    /// Reverberation time from Schroeder backward integration: line fit of the energy decay curve between
    /// -5 and -25 dB (T20), or -5 and -15 dB (T10) if the curve does not reach -25 dB; NaN if neither.
    /// </summary>
    public static double EstimateRt60(ReadOnlySpan<double> h, int sampleRate)
    {
        var edc = new double[h.Length];
        double acc = 0;
        for (int i = h.Length - 1; i >= 0; i--)
        {
            acc += h[i] * h[i];
            edc[i] = acc;
        }
        if (acc <= 0) return double.NaN;
        int i5 = -1, iEnd = -1;
        double endDb = -25;
        for (int pass = 0; pass < 2 && iEnd < 0; pass++)
        {
            i5 = iEnd = -1;
            for (int i = 0; i < edc.Length; i++)
            {
                double db = 10 * Math.Log10(edc[i] / acc + 1e-300);
                if (i5 < 0 && db <= -5) i5 = i;
                if (db <= endDb)
                {
                    iEnd = i;
                    break;
                }
            }
            endDb = -15;
        }
        if (i5 < 0 || iEnd <= i5 + 1) return double.NaN;
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int m = iEnd - i5 + 1;
        for (int i = i5; i <= iEnd; i++)
        {
            double x = (double)i / sampleRate, y = 10 * Math.Log10(edc[i] / acc);
            sx += x; sy += y; sxx += x * x; sxy += x * y;
        }
        double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
        return slope < 0 ? -60.0 / slope : double.NaN;
    }

    /// <summary>
    /// Prepares a measured RIR: resampled, high-passed at 30 Hz, pre-delay removed (1 ms before the peak
    /// kept), truncated where the 10 ms energy envelope falls to the noise floor + 6 dB, 20 ms fade, peak 1.
    /// </summary>
    public static double[] PrepareMeasured(ReadOnlySpan<float> h, int fileRate, int sampleRate)
    {
        var x = Resampler.Resample(h, fileRate, sampleRate).Select(v => (double)v).ToArray();
        var hp = Butterworth.HighPass2(30, sampleRate);
        BiquadCascade.Filter([hp, hp], x);
        int peak = 0;
        for (int i = 1; i < x.Length; i++) if (Math.Abs(x[i]) > Math.Abs(x[peak])) peak = i;
        int start = Math.Max(0, peak - (int)(0.001 * sampleRate));
        x = x[start..];
        int frame = Math.Max(1, (int)(0.01 * sampleRate));
        int frames = x.Length / frame;
        if (frames >= 10)
        {
            var db = new double[frames];
            for (int f = 0; f < frames; f++)
            {
                double e = 0;
                for (int i = f * frame; i < (f + 1) * frame; i++) e += x[i] * x[i];
                db[f] = 10 * Math.Log10(e / frame + 1e-30);
            }
            var tailDb = db[(int)(frames * 0.9)..].OrderBy(v => v).ToArray();
            double floor = tailDb[tailDb.Length / 2];
            int last = frames - 1;
            while (last > 0 && db[last] < floor + 6) last--;
            int end = Math.Min(x.Length, (last + 1) * frame);
            x = x[..Math.Max(end, frame * 5)];
        }
        FadeOutTail(x, (int)(0.02 * sampleRate));
        Normalize(x);
        return x;
    }

    private static void Place(double[] h, double position, double amp)
    {
        int w = PlacementKernel.HalfWidth;
        int k0 = (int)Math.Floor(position);
        for (int k = k0 - w + 1; k <= k0 + w; k++)
        {
            if (k < 0 || k >= h.Length) continue;
            h[k] += amp * PlacementKernel.Value(position - k);
        }
    }

    private static void FadeOutTail(double[] x, int len)
    {
        len = Math.Min(len, x.Length);
        for (int i = 0; i < len; i++) x[x.Length - 1 - i] *= 0.5 - 0.5 * Math.Cos(Math.PI * (i + 0.5) / len);
    }

    private static void Normalize(double[] x)
    {
        double m = 0;
        foreach (var v in x) m = Math.Max(m, Math.Abs(v));
        if (m > 0) for (int i = 0; i < x.Length; i++) x[i] /= m;
    }
}
