using Beryl.Media.Audio;
using Beryl.Media.Sdp;

namespace Beryl.Media.Codecs.Opus;

/// <summary>
/// Opus (RFC 6716) through the native libopus: 8..48 kHz mono or stereo PCM in 10, 20, 40 or 60 ms frames,
/// RTP-packetised per RFC 7587 (one Opus packet per RTP payload, timestamps on the 48 kHz clock).
/// Not thread-safe: one capture thread uses it.
/// </summary>
public sealed class OpusEncoder : IAudioEncoder
{
    // A packet with only the TOC byte (and at most one more) is what libopus produces for a DTX frame.
    private const int MaxDtxPacketLength = 2;

    private readonly OpusEncoderHandle _handle;

    /// <summary>Creates an encoder.</summary>
    /// <param name="format">8, 12, 16, 24 or 48 kHz, mono or stereo.</param>
    /// <param name="frameDurationMs">10, 20, 40 or 60.</param>
    /// <param name="options">Bitrate, complexity, FEC, DTX; <see cref="OpusEncoderOptions"/>'s defaults when null.</param>
    /// <param name="codec">The negotiated codec (its payload type); <see cref="SdpCodec.Opus"/> when null.</param>
    /// <exception cref="ArgumentException">The format, frame duration or an option is not supported.</exception>
    /// <exception cref="DllNotFoundException">libopus is not installed (the message says which package to install).</exception>
    /// <exception cref="InvalidOperationException">libopus refused the settings.</exception>
    public OpusEncoder(AudioFormat format, int frameDurationMs = 20, OpusEncoderOptions? options = null, SdpCodec? codec = null)
    {
        OpusFormats.Validate(format);
        if (frameDurationMs is not (10 or 20 or 40 or 60))
            throw new ArgumentOutOfRangeException(nameof(frameDurationMs), frameDurationMs, "Opus frames of 10, 20, 40 or 60 ms are supported");
        Options = options ?? new OpusEncoderOptions();
        Options.Validate();
        OpusLibrary.EnsureAvailable();

        int application = Options.Application == OpusApplication.Voip ? OpusNative.ApplicationVoip : OpusNative.ApplicationAudio;
        _handle = OpusNative.opus_encoder_create(format.SampleRate, format.Channels, application, out int error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new InvalidOperationException($"opus_encoder_create failed: {OpusNative.ErrorText(error)}");
        }

        Set(OpusNative.SetBitrateRequest, Options.Bitrate);
        Set(OpusNative.SetComplexityRequest, Options.Complexity);
        Set(OpusNative.SetInbandFecRequest, Options.InbandFec ? 1 : 0);
        Set(OpusNative.SetPacketLossPercentRequest, Options.PacketLossPercent);
        Set(OpusNative.SetDtxRequest, Options.Dtx ? 1 : 0);
        Get(OpusNative.GetLookaheadRequest, out int lookahead);
        Lookahead = lookahead;

        Codec = codec ?? SdpCodec.Opus;
        Format = format;
        FrameSize = format.SampleRate / 1000 * frameDurationMs;
        TimestampIncrement = (uint)(OpusFormats.RtpClockRate / 1000 * frameDurationMs);
    }

    /// <inheritdoc />
    public SdpCodec Codec { get; }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <inheritdoc />
    public int FrameSize { get; }

    /// <summary>RTP timestamp units per frame, on the 48 kHz clock of RFC 7587 whatever <see cref="Format"/>'s rate.</summary>
    public uint TimestampIncrement { get; }

    /// <summary>The settings the encoder was created with.</summary>
    public OpusEncoderOptions Options { get; }

    /// <summary>The encoder's algorithmic delay in samples per channel at <see cref="Format"/>'s rate (OPUS_GET_LOOKAHEAD).</summary>
    public int Lookahead { get; }

    /// <summary>
    /// Tells the encoder the packet loss the receiver reports (0..100 %, e.g. from RTCP), so that FEC spends
    /// bits in proportion. Values outside the range are clamped.
    /// </summary>
    public void SetPacketLossPercent(int percent) => Set(OpusNative.SetPacketLossPercentRequest, Math.Clamp(percent, 0, 100));

    /// <summary>The encoder's complexity now, 0..10 (OPUS_GET_COMPLEXITY): set at creation, changed by <see cref="SetComplexity"/>.</summary>
    public int Complexity
    {
        get
        {
            Get(OpusNative.GetComplexityRequest, out int complexity);
            return complexity;
        }
    }

    /// <summary>
    /// Changes the complexity between frames (clamped to 0..10): lower costs less CPU for a little quality, e.g. for a
    /// server with more calls than CPU.
    /// </summary>
    public void SetComplexity(int complexity) => Set(OpusNative.SetComplexityRequest, Math.Clamp(complexity, 0, 10));

    /// <summary>Changes the target bitrate (clamped to 6000..510000 bit/s), e.g. for congestion control.</summary>
    public void SetBitrate(int bitsPerSecond) => Set(OpusNative.SetBitrateRequest, Math.Clamp(bitsPerSecond, 6000, 510_000));

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="pcm"/> is not exactly one frame.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="payload"/> is too small for even a minimal packet.</exception>
    public unsafe int Encode(ReadOnlySpan<float> pcm, Span<byte> payload)
    {
        if (pcm.Length != FrameSize * Format.Channels)
            throw new ArgumentException($"one frame is {FrameSize * Format.Channels} samples, not {pcm.Length}", nameof(pcm));

        int length;
        fixed (float* samples = pcm)
        fixed (byte* data = payload)
            length = OpusNative.opus_encode_float(_handle, samples, FrameSize, data, payload.Length);
        if (length < 0)
            throw new InvalidOperationException($"opus_encode_float failed: {OpusNative.ErrorText(length)}");
        return Options.Dtx && length <= MaxDtxPacketLength ? 0 : length;
    }

    /// <summary>Destroys the native encoder.</summary>
    public void Dispose() => _handle.Dispose();

    private void Set(int request, int value)
    {
        int status = OpusNative.opus_encoder_ctl(_handle, request, value);
        if (status != OpusNative.Ok)
            throw new InvalidOperationException($"opus_encoder_ctl({request}, {value}) failed: {OpusNative.ErrorText(status)}");
    }

    private void Get(int request, out int value)
    {
        int status = OpusNative.opus_encoder_ctl(_handle, request, out value);
        if (status != OpusNative.Ok)
            throw new InvalidOperationException($"opus_encoder_ctl({request}) failed: {OpusNative.ErrorText(status)}");
    }
}
