using Beryl.Media.Audio;
using Beryl.Media.Sdp;

namespace Beryl.Media.Codecs;

/// <summary>G.711 PCMU or PCMA (RFC 3551): 8 kHz mono, one byte per sample, in 10 to 60 ms frames.</summary>
public sealed class G711Encoder : IAudioEncoder
{
    /// <summary>The only rate G.711 runs at, also its RTP clock.</summary>
    public const int SampleRate = 8000;

    /// <summary>Creates an encoder.</summary>
    /// <param name="law">µ-law (PCMU) or A-law (PCMA).</param>
    /// <param name="frameDurationMs">10, 20 (the RFC 3551 default), 30, 40, 50 or 60.</param>
    /// <param name="codec">The negotiated codec; PCMU or PCMA with its static payload type when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The law or the frame duration is not supported.</exception>
    public G711Encoder(G711Law law, int frameDurationMs = 20, SdpCodec? codec = null)
    {
        if (!Enum.IsDefined(law))
            throw new ArgumentOutOfRangeException(nameof(law), law, "unknown G.711 law");
        if (frameDurationMs is < 10 or > 60 || frameDurationMs % 10 != 0)
            throw new ArgumentOutOfRangeException(nameof(frameDurationMs), frameDurationMs, "G.711 frames of 10 to 60 ms in steps of 10 are supported");
        Law = law;
        Codec = codec ?? (law == G711Law.MuLaw ? SdpCodec.Pcmu : SdpCodec.Pcma);
        FrameSize = SampleRate / 1000 * frameDurationMs;
    }

    /// <summary>µ-law or A-law.</summary>
    public G711Law Law { get; }

    /// <inheritdoc />
    public SdpCodec Codec { get; }

    /// <summary>8 kHz mono.</summary>
    public AudioFormat Format => new(SampleRate, 1);

    /// <inheritdoc />
    public int FrameSize { get; }

    /// <summary>Equal to <see cref="FrameSize"/>: the RTP clock is the sample rate.</summary>
    public uint TimestampIncrement => (uint)FrameSize;

    /// <summary>Companded <see cref="FrameSize"/> bytes; never 0, G.711 has no discontinuous transmission.</summary>
    /// <exception cref="ArgumentException"><paramref name="pcm"/> is not one frame, or <paramref name="payload"/> is shorter than one.</exception>
    public int Encode(ReadOnlySpan<float> pcm, Span<byte> payload)
    {
        if (pcm.Length != FrameSize)
            throw new ArgumentException($"one frame is {FrameSize} samples, not {pcm.Length}", nameof(pcm));
        if (Law == G711Law.MuLaw)
            G711.EncodeMuLaw(pcm, payload);
        else
            G711.EncodeALaw(pcm, payload);
        return FrameSize;
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }
}
