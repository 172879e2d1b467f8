using Beryl.Media.Audio;
using Beryl.Media.Sdp;

namespace Beryl.Media.Codecs;

/// <summary>Turns PCM frames into RTP payloads for one negotiated codec. Not thread-safe: one capture thread uses it.</summary>
public interface IAudioEncoder : IDisposable
{
    /// <summary>The codec as negotiated (payload type, clock rate).</summary>
    SdpCodec Codec { get; }

    /// <summary>The PCM the encoder takes.</summary>
    AudioFormat Format { get; }

    /// <summary>Samples per channel in one packet's frame (for example 960 for 20 ms at 48 kHz).</summary>
    int FrameSize { get; }

    /// <summary>RTP timestamp units one frame spans (the codec's clock rate times the frame duration).</summary>
    uint TimestampIncrement { get; }

    /// <summary>
    /// Encodes exactly one frame (<see cref="FrameSize"/> × channels interleaved samples) into
    /// <paramref name="payload"/> and returns the payload length. Zero means nothing needs sending for this
    /// frame (discontinuous transmission during silence). Never throws for audio content; a payload buffer of
    /// 1500 bytes is always large enough.
    /// </summary>
    int Encode(ReadOnlySpan<float> pcm, Span<byte> payload);
}
