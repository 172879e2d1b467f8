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

    // libopus's own concealment settles on comfort noise 12 dB or so down rather than silence: after 100 ms of
    // loss it is faded out over 200 ms, and faded back in over 5 ms when packets return.
    private const int FadeHoldMs = 100;
    private const int FadeMs = 200;
    private const int FadeInMs = 5;

    private readonly OpusDecoderHandle _handle;
    private readonly ConcealmentFade _fade;
    private readonly int _fadeIn;

    // Frames concealed since the last packet, counted up to the end of the fade only.
    private int _concealed;

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
        _fade = new ConcealmentFade(format.SampleRate, FadeHoldMs, FadeMs);
        _fadeIn = format.SampleRate / 1000 * FadeInMs;
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
    public int Decode(ReadOnlySpan<byte> payload, Span<float> pcm)
    {
        // An empty payload means "conceal" to libopus; here it is a malformed packet.
        int frames = payload.IsEmpty ? -1 : DecodeNative(payload, pcm, pcm.Length / Format.Channels, fec: false);
        if (frames > 0)
            FadeIn(pcm[..(frames * Format.Channels)]);
        return frames;
    }

    /// <summary>
    /// Fills <paramref name="pcm"/> with libopus's concealment, which extrapolates the last decoded frames, faded to
    /// silence between 100 and 300 ms into a loss. Concealment runs in 2.5 ms units; a remainder beyond the last
    /// whole unit is silence.
    /// </summary>
    public int Conceal(Span<float> pcm)
    {
        int frames = pcm.Length / Format.Channels;
        int concealed = OpusFormats.WholeConcealmentUnits(frames, Format.SampleRate);
        if (concealed == 0 || DecodeNative(default, pcm, concealed, fec: false) != concealed)
            concealed = 0;
        pcm[(concealed * Format.Channels)..].Clear();
        ApplyFade(pcm);
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
        FadeIn(pcm);
        return frames;
    }

    /// <summary>Destroys the native decoder.</summary>
    public void Dispose() => _handle.Dispose();

    private void ApplyFade(Span<float> pcm)
    {
        for (int frame = 0; frame < pcm.Length / Format.Channels; frame++)
        {
            ScaleFrame(pcm, frame, _fade.Gain(_concealed));
            _concealed = Math.Min(_concealed + 1, _fade.SilentAfter);
        }
    }

    /// <summary>Ramps the first audio after a faded concealment up from the level the fade had reached.</summary>
    private void FadeIn(Span<float> pcm)
    {
        float start = _fade.Gain(_concealed);
        _concealed = 0;
        if (start >= 1f)
            return;
        int ramp = Math.Min(_fadeIn, pcm.Length / Format.Channels);
        for (int frame = 0; frame < ramp; frame++)
            ScaleFrame(pcm, frame, start + (1f - start) * (frame + 1) / ramp);
    }

    private void ScaleFrame(Span<float> pcm, int frame, float gain)
    {
        for (int c = 0; c < Format.Channels; c++)
            pcm[frame * Format.Channels + c] *= gain;
    }

    private unsafe int DecodeNative(ReadOnlySpan<byte> payload, Span<float> pcm, int frames, bool fec)
    {
        int decoded;
        fixed (byte* data = payload)
        fixed (float* samples = pcm)
            decoded = OpusNative.opus_decode_float(_handle, data, payload.Length, samples, frames, fec ? 1 : 0);
        return decoded < 0 ? -1 : decoded;
    }
}
