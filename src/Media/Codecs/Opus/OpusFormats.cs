using Beryl.Media.Audio;

namespace Beryl.Media.Codecs.Opus;

/// <summary>The PCM shapes libopus accepts, shared by the encoder, the decoder and the codec factory.</summary>
internal static class OpusFormats
{
    /// <summary>The RTP clock of Opus whatever the PCM rate (RFC 7587 section 4.1).</summary>
    public const int RtpClockRate = 48_000;

    /// <summary>Whether libopus encodes and decodes at <paramref name="sampleRate"/>.</summary>
    public static bool IsSupportedRate(int sampleRate) => sampleRate is 8000 or 12_000 or 16_000 or 24_000 or 48_000;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="format"/> is a libopus rate, mono or stereo.</summary>
    public static void Validate(AudioFormat format)
    {
        if (!IsSupportedRate(format.SampleRate) || format.Channels is not (1 or 2))
            throw new ArgumentException($"Opus takes 8, 12, 16, 24 or 48 kHz mono or stereo PCM, not {format}", nameof(format));
    }

    /// <summary>
    /// The longest prefix of <paramref name="frames"/> that is a whole number of 2.5 ms units: concealment and FEC
    /// run in those units only.
    /// </summary>
    public static int WholeConcealmentUnits(int frames, int sampleRate) => frames - frames % (sampleRate / 400);
}
