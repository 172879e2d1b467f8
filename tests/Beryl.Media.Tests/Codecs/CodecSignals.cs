using Beryl.Media.Codecs;
using Beryl.Media.Codecs.Opus;

namespace Beryl.Media.Tests.Codecs;

/// <summary>Test signals and the measurements the codec tests share.</summary>
internal static class CodecSignals
{
    /// <summary>
    /// A voiced-speech stand-in: a harmonic series (1/k amplitudes, up to 4 kHz or 0.45 of the rate) whose
    /// fundamental glides around <paramref name="f0"/> by ±40 %, amplitude-modulated at a syllable rate, peak 0.5.
    /// </summary>
    public static float[] Speech(int sampleRate, double seconds, double f0 = 160)
    {
        var signal = new float[(int)(sampleRate * seconds)];
        double phase = 0;
        for (int n = 0; n < signal.Length; n++)
        {
            double t = (double)n / sampleRate;
            double fundamental = f0 * (1 + 0.4 * Math.Sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * fundamental / sampleRate;
            double envelope = 0.55 + 0.45 * Math.Sin(2 * Math.PI * 3 * t);
            double sum = 0;
            for (int k = 1; k * fundamental < Math.Min(4000, 0.45 * sampleRate) && k <= 20; k++)
                sum += Math.Sin(k * phase) / k;
            signal[n] = (float)(0.28 * envelope * sum);
        }

        return signal;
    }

    /// <summary>Interleaves two mono signals of equal length.</summary>
    public static float[] Interleave(float[] left, float[] right)
    {
        var stereo = new float[left.Length * 2];
        for (int i = 0; i < left.Length; i++)
        {
            stereo[2 * i] = left[i];
            stereo[2 * i + 1] = right[i];
        }

        return stereo;
    }

    /// <summary>Channel <paramref name="channel"/> of an interleaved signal.</summary>
    public static float[] Channel(float[] interleaved, int channels, int channel)
    {
        var mono = new float[interleaved.Length / channels];
        for (int i = 0; i < mono.Length; i++)
            mono[i] = interleaved[i * channels + channel];
        return mono;
    }

    /// <summary>Encodes <paramref name="pcm"/> frame by frame; the payloads, empty where the encoder sent nothing.</summary>
    public static List<byte[]> Encode(IAudioEncoder encoder, float[] pcm)
    {
        var packets = new List<byte[]>();
        int frame = encoder.FrameSize * encoder.Format.Channels;
        var payload = new byte[1500];
        for (int offset = 0; offset + frame <= pcm.Length; offset += frame)
        {
            int length = encoder.Encode(pcm.AsSpan(offset, frame), payload);
            packets.Add(payload[..length]);
        }

        return packets;
    }

    /// <summary>Decodes every packet in order (concealing empty ones) and returns the concatenated PCM.</summary>
    public static float[] Decode(IAudioDecoder decoder, IEnumerable<byte[]> packets, int framesPerPacket)
    {
        var output = new List<float>();
        var pcm = new float[decoder.MaxFrameSize * decoder.Format.Channels];
        foreach (byte[] packet in packets)
        {
            int frames = packet.Length == 0
                ? decoder.Conceal(pcm.AsSpan(0, framesPerPacket * decoder.Format.Channels))
                : decoder.Decode(packet, pcm);
            Assert.That(frames, Is.EqualTo(framesPerPacket), "frames per packet");
            output.AddRange(pcm.AsSpan(0, frames * decoder.Format.Channels));
        }

        return [.. output];
    }

    /// <summary>
    /// The lag 0..<paramref name="maxLag"/> at which <paramref name="test"/> best matches <paramref name="reference"/>,
    /// over at most 1/3 s after the first <paramref name="maxLag"/> samples (past the codec's start-up).
    /// </summary>
    public static int BestLag(float[] reference, float[] test, int maxLag)
    {
        int length = Math.Min(16_000, reference.Length - 2 * maxLag);
        int bestLag = 0;
        double best = double.NegativeInfinity;
        for (int lag = 0; lag <= maxLag; lag++)
        {
            double c = Correlation(reference.AsSpan(maxLag, length), test.AsSpan(maxLag + lag, length));
            if (c > best)
            {
                best = c;
                bestLag = lag;
            }
        }

        return bestLag;
    }

    /// <summary>Normalised correlation (cosine similarity) of two equally long spans.</summary>
    public static double Correlation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }

        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }

    /// <summary>
    /// Mean over Hann-windowed frames of the correlation of the two magnitude spectra up to 8 kHz: how alike two
    /// signals sound frame by frame, whatever their phases.
    /// </summary>
    public static double SpectralSimilarity(ReadOnlySpan<float> reference, ReadOnlySpan<float> test, int sampleRate, int frame)
    {
        int bins = Math.Min(frame / 2, 8000 * frame / sampleRate);
        var a = new float[bins];
        var b = new float[bins];
        double sum = 0;
        int frames = 0;
        for (int offset = 0; offset + frame <= reference.Length; offset += frame, frames++)
        {
            MagnitudeSpectrum(reference.Slice(offset, frame), a);
            MagnitudeSpectrum(test.Slice(offset, frame), b);
            sum += Correlation(a, b);
        }

        return sum / frames;
    }

    private static void MagnitudeSpectrum(ReadOnlySpan<float> frame, Span<float> magnitudes)
    {
        int length = frame.Length;
        Span<double> windowed = stackalloc double[length];
        Span<double> cos = stackalloc double[length];
        Span<double> sin = stackalloc double[length];
        for (int n = 0; n < length; n++)
        {
            windowed[n] = frame[n] * (0.5 - 0.5 * Math.Cos(2 * Math.PI * n / length));
            cos[n] = Math.Cos(2 * Math.PI * n / length);
            sin[n] = Math.Sin(2 * Math.PI * n / length);
        }

        for (int k = 0; k < magnitudes.Length; k++)
        {
            double re = 0, im = 0;
            for (int n = 0, index = 0; n < length; n++, index = (index + k) % length)
            {
                re += windowed[n] * cos[index];
                im -= windowed[n] * sin[index];
            }

            magnitudes[k] = (float)Math.Sqrt(re * re + im * im);
        }
    }

    /// <summary>Signal-to-noise ratio in dB of <paramref name="test"/> against <paramref name="reference"/>.</summary>
    public static double SnrDb(ReadOnlySpan<float> reference, ReadOnlySpan<float> test)
    {
        double signal = 0, noise = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            signal += reference[i] * reference[i];
            double error = reference[i] - test[i];
            noise += error * error;
        }

        return 10 * Math.Log10(signal / Math.Max(noise, 1e-20));
    }

    /// <summary>Ignores the test when libopus is missing, unless <c>BERYL_REQUIRE_OPUS=1</c> (CI) makes that a failure.</summary>
    public static void RequireOpus()
    {
        if (OpusLibrary.IsAvailable)
            return;
        if (Environment.GetEnvironmentVariable("BERYL_REQUIRE_OPUS") == "1")
            Assert.Fail($"libopus is required (BERYL_REQUIRE_OPUS=1): {OpusLibrary.LoadError}");
        Assert.Ignore(OpusLibrary.LoadError ?? "libopus is not available");
    }
}
