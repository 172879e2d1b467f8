using Beryl.Media.Audio;
using Beryl.Media.Sdp;

namespace Beryl.Media.Codecs;

/// <summary>
/// Turns RTP payloads back into PCM, and invents PCM for packets that never came. Not thread-safe: one playout
/// thread uses it. No method throws for bad packet content: a corrupt payload returns -1.
/// </summary>
public interface IAudioDecoder : IDisposable
{
    /// <summary>The codec as negotiated (payload type, clock rate).</summary>
    SdpCodec Codec { get; }

    /// <summary>The PCM the decoder produces.</summary>
    AudioFormat Format { get; }

    /// <summary>The most samples per channel one packet can decode to (120 ms for Opus).</summary>
    int MaxFrameSize { get; }

    /// <summary>Whether <see cref="DecodeFec"/> can recover a lost frame from the packet after it.</summary>
    bool SupportsFec { get; }

    /// <summary>Samples per channel (at <see cref="Format"/>'s rate) that <paramref name="payload"/> holds, or -1 if it cannot be parsed.</summary>
    int GetFrameCount(ReadOnlySpan<byte> payload);

    /// <summary>
    /// Decodes one payload into <paramref name="pcm"/> (room for <see cref="MaxFrameSize"/> frames) and returns
    /// the frames per channel written, or -1 when the payload is corrupt (the decoder's state stays usable).
    /// </summary>
    int Decode(ReadOnlySpan<byte> payload, Span<float> pcm);

    /// <summary>
    /// Fills the whole of <paramref name="pcm"/> (a whole number of frames) with concealment for audio that was
    /// lost, continuing from what was decoded last and fading to silence over a long loss. Returns the frames written.
    /// </summary>
    int Conceal(Span<float> pcm);

    /// <summary>
    /// Rebuilds the frames lost just before <paramref name="nextPayload"/> from the redundancy it carries, filling
    /// the whole of <paramref name="pcm"/>; falls back to <see cref="Conceal"/> when the payload carries none.
    /// Returns the frames written, or -1 when the payload is corrupt.
    /// </summary>
    int DecodeFec(ReadOnlySpan<byte> nextPayload, Span<float> pcm);
}
