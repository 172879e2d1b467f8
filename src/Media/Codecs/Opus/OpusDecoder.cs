using Beryl.Media.Audio;
using Beryl.Media.Sdp;

namespace Beryl.Media.Codecs.Opus;

/// <summary>
/// Opus decoding through the native libopus, to 8..48 kHz mono or stereo PCM whatever the sender encoded, with
/// libopus's packet loss concealment and in-band FEC recovery. Not thread-safe: one playout thread uses it.
/// </summary>
public sealed class OpusDecoder : IAudioDecoder
{
    private const int MaxPacketDurationMs = 120;

    private readonly OpusDecoderHandle _handle;

    /// <summary>Creates a decoder.</summary>
    /// <param name="format">The PCM to produce: 8, 12, 16, 24 or 48 kHz, mono or stereo.</param>
    /// <param name="codec">The negotiated codec (its payload type); <see cref="SdpCodec.Opus"/> when null.</param>
    /// <exception cref="ArgumentException">The format is not supported.</exception>
    /// <exception cref="DllNotFoundException">libopus is not installed (the message says which package to install).</exception>
    /// <exception cref="InvalidOperationException">libopus refused to create the decoder.</exception>
    public OpusDecoder(AudioFormat format, SdpCodec? codec = null)
    {
        OpusFormats.Validate(format);
        OpusLibrary.EnsureAvailable();
        _handle = OpusNative.opus_decoder_create(format.SampleRate, format.Channels, out int error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new InvalidOperationException($"opus_decoder_create failed: {OpusNative.ErrorText(error)}");
        }

        Codec = codec ?? SdpCodec.Opus;
        Format = format;
        MaxFrameSize = format.SampleRate / 1000 * MaxPacketDurationMs;
    }

    /// <inheritdoc />
    public SdpCodec Codec { get; }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <summary>120 ms at <see cref="Format"/>'s rate: the longest Opus packet.</summary>
    public int MaxFrameSize { get; }

    /// <summary>Always true: a packet encoded with in-band FEC carries a coarse copy of the frame before it.</summary>
    public bool SupportsFec => true;

    /// <inheritdoc />
    public unsafe int GetFrameCount(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
            return -1;
        int frames;
        fixed (byte* data = payload)
            frames = OpusNative.opus_packet_get_nb_samples(data, payload.Length, Format.SampleRate);
        return frames < 0 ? -1 : frames;
    }

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> payload, Span<float> pcm) =>
        // An empty payload means "conceal" to libopus; here it is a malformed packet.
        payload.IsEmpty ? -1 : DecodeNative(payload, pcm, pcm.Length / Format.Channels, fec: false);

    /// <summary>
    /// Fills <paramref name="pcm"/> with libopus's concealment, which extrapolates the last decoded frames and fades
    /// out over a long loss. Concealment runs in 2.5 ms units; a remainder beyond the last whole unit is silence.
    /// </summary>
    public int Conceal(Span<float> pcm)
    {
        int frames = pcm.Length / Format.Channels;
        int concealed = OpusFormats.WholeConcealmentUnits(frames, Format.SampleRate);
        if (concealed == 0 || DecodeNative(default, pcm, concealed, fec: false) != concealed)
            concealed = 0;
        pcm[(concealed * Format.Channels)..].Clear();
        return frames;
    }

    /// <summary>
    /// Rebuilds the audio lost just before <paramref name="nextPayload"/> from its in-band FEC: the last packet's
    /// duration of <paramref name="pcm"/> from the redundancy, anything before that (and everything when the packet
    /// carries no FEC) concealed. Runs in 2.5 ms units like <see cref="Conceal"/>.
    /// </summary>
    public int DecodeFec(ReadOnlySpan<byte> nextPayload, Span<float> pcm)
    {
        if (nextPayload.IsEmpty)
            return Conceal(pcm);
        int frames = pcm.Length / Format.Channels;
        int recovered = OpusFormats.WholeConcealmentUnits(frames, Format.SampleRate);
        if (recovered > 0 && DecodeNative(nextPayload, pcm, recovered, fec: true) < 0)
            return -1;
        pcm[(recovered * Format.Channels)..].Clear();
        return frames;
    }

    /// <summary>Destroys the native decoder.</summary>
    public void Dispose() => _handle.Dispose();

    private unsafe int DecodeNative(ReadOnlySpan<byte> payload, Span<float> pcm, int frames, bool fec)
    {
        int decoded;
        fixed (byte* data = payload)
        fixed (float* samples = pcm)
            decoded = OpusNative.opus_decode_float(_handle, data, payload.Length, samples, frames, fec ? 1 : 0);
        return decoded < 0 ? -1 : decoded;
    }
}
