using Beryl.Media.Audio;
using Beryl.Media.Sdp;

namespace Beryl.Media.Codecs;

/// <summary>
/// G.711 PCMU or PCMA decoding to 8 kHz mono, with pitch-repetition concealment in the spirit of G.711
/// Appendix I (the last pitch period repeated, faded to silence over 60 ms, blended back into the audio
/// that follows). Not thread-safe: one playout thread uses it.
/// </summary>
public sealed class G711Decoder : IAudioDecoder
{
    private const int MaxPacketDurationMs = 120;

    private readonly PitchRepetitionConcealer _concealer = new(G711Encoder.SampleRate);

    /// <summary>Creates a decoder.</summary>
    /// <param name="law">µ-law (PCMU) or A-law (PCMA).</param>
    /// <param name="codec">The negotiated codec; PCMU or PCMA with its static payload type when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The law is not defined.</exception>
    public G711Decoder(G711Law law, SdpCodec? codec = null)
    {
        if (!Enum.IsDefined(law))
            throw new ArgumentOutOfRangeException(nameof(law), law, "unknown G.711 law");
        Law = law;
        Codec = codec ?? (law == G711Law.MuLaw ? SdpCodec.Pcmu : SdpCodec.Pcma);
    }

    /// <summary>µ-law or A-law.</summary>
    public G711Law Law { get; }

    /// <inheritdoc />
    public SdpCodec Codec { get; }

    /// <summary>8 kHz mono.</summary>
    public AudioFormat Format => new(G711Encoder.SampleRate, 1);

    /// <summary>120 ms (960 samples): longer payloads are refused as corrupt.</summary>
    public int MaxFrameSize => G711Encoder.SampleRate / 1000 * MaxPacketDurationMs;

    /// <summary>False: G.711 carries no redundancy, <see cref="DecodeFec"/> conceals.</summary>
    public bool SupportsFec => false;

    /// <summary>One sample per byte; -1 for an empty payload or one longer than <see cref="MaxFrameSize"/>.</summary>
    public int GetFrameCount(ReadOnlySpan<byte> payload) => payload.Length is > 0 and var length && length <= MaxFrameSize ? length : -1;

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> payload, Span<float> pcm)
    {
        int frames = GetFrameCount(payload);
        if (frames < 0 || pcm.Length < frames)
            return -1;
        var decoded = pcm[..frames];
        if (Law == G711Law.MuLaw)
            G711.DecodeMuLaw(payload, decoded);
        else
            G711.DecodeALaw(payload, decoded);
        _concealer.Receive(decoded);
        return frames;
    }

    /// <inheritdoc />
    public int Conceal(Span<float> pcm)
    {
        _concealer.Conceal(pcm);
        return pcm.Length;
    }

    /// <summary>Conceals: G.711 payloads carry no redundancy.</summary>
    public int DecodeFec(ReadOnlySpan<byte> nextPayload, Span<float> pcm) => Conceal(pcm);

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }
}
