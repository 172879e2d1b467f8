using System.Diagnostics.CodeAnalysis;
using Beryl.Media.Audio;
using Beryl.Media.Codecs.Opus;
using Beryl.Media.Sdp;

namespace Beryl.Media.Codecs;

/// <summary>
/// Encoders and decoders for negotiated SDP codecs: Opus (when libopus is installed), PCMU and PCMA. Nothing here
/// throws for an unsupported codec or a missing library: the Try methods say why in <c>error</c>.
/// </summary>
public static class AudioCodecs
{
    private static readonly Lazy<IReadOnlyList<SdpCodec>> Defaults = new(() => OpusLibrary.IsAvailable
        ? [SdpCodec.Opus, SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.TelephoneEvent48000, SdpCodec.TelephoneEvent8000]
        : [SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.TelephoneEvent8000]);

    /// <summary>
    /// What to offer, best first: Opus (with 48 kHz telephone-event) when libopus is available, then PCMU, PCMA and
    /// 8 kHz telephone-event.
    /// </summary>
    public static IReadOnlyList<SdpCodec> DefaultAudioCodecs => Defaults.Value;

    /// <summary>Creates the encoder of <paramref name="codec"/>, or says why it cannot.</summary>
    /// <param name="codec">The negotiated codec; its payload type is kept in the encoder's <see cref="IAudioEncoder.Codec"/>.</param>
    /// <param name="options">Frame duration, and Opus's PCM format and settings.</param>
    /// <param name="encoder">The encoder, or null.</param>
    /// <param name="error">Why there is no encoder, or null.</param>
    public static bool TryCreateEncoder(SdpCodec codec, AudioCodecOptions options, [NotNullWhen(true)] out IAudioEncoder? encoder, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(options);
        encoder = null;
        if (!TryIdentify(codec, out G711Law? law, out error))
            return false;
        try
        {
            encoder = law is { } g711
                ? new G711Encoder(g711, options.FrameDurationMs, codec)
                : new OpusEncoder(new AudioFormat(options.OpusSampleRate, options.OpusChannels), options.FrameDurationMs, options.Opus, codec);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or DllNotFoundException)
        {
            error = $"cannot encode {Describe(codec)}: {ex.Message}";
            return false;
        }
    }

    /// <summary>Creates the decoder of <paramref name="codec"/>, or says why it cannot.</summary>
    /// <param name="codec">The negotiated codec; its payload type is kept in the decoder's <see cref="IAudioDecoder.Codec"/>.</param>
    /// <param name="preferredSampleRate">
    /// The PCM rate wanted: Opus decodes to it when libopus supports it (8, 12, 16, 24, 48 kHz), to 48 kHz otherwise;
    /// G.711 always decodes to 8 kHz. Check the decoder's <see cref="IAudioDecoder.Format"/>.
    /// </param>
    /// <param name="decoder">The decoder, or null.</param>
    /// <param name="error">Why there is no decoder, or null.</param>
    /// <remarks>Opus decodes to stereo when the format parameters carry <c>stereo=1</c>, to mono otherwise.</remarks>
    public static bool TryCreateDecoder(SdpCodec codec, int preferredSampleRate, [NotNullWhen(true)] out IAudioDecoder? decoder, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(codec);
        decoder = null;
        if (!TryIdentify(codec, out G711Law? law, out error))
            return false;
        try
        {
            int rate = OpusFormats.IsSupportedRate(preferredSampleRate) ? preferredSampleRate : OpusFormats.RtpClockRate;
            decoder = law is { } g711
                ? new G711Decoder(g711, codec)
                : new OpusDecoder(new AudioFormat(rate, WantsStereo(codec) ? 2 : 1), codec);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or DllNotFoundException)
        {
            error = $"cannot decode {Describe(codec)}: {ex.Message}";
            return false;
        }
    }

    /// <summary>Opus (law null) or a G.711 law; false with the reason for anything else.</summary>
    private static bool TryIdentify(SdpCodec codec, out G711Law? law, [NotNullWhen(false)] out string? error)
    {
        law = null;
        error = null;
        if (codec.IsTelephoneEvent)
            error = $"{Describe(codec)} carries DTMF events (RFC 4733), not audio: it has no encoder or decoder";
        else if (Is(codec, "opus", OpusFormats.RtpClockRate))
            error = OpusLibrary.LoadError;
        else if (Is(codec, "PCMU", G711Encoder.SampleRate) && codec.Channels == 1)
            law = G711Law.MuLaw;
        else if (Is(codec, "PCMA", G711Encoder.SampleRate) && codec.Channels == 1)
            law = G711Law.ALaw;
        else
            error = $"{Describe(codec)} is not supported: Beryl encodes and decodes opus/48000/2, PCMU/8000 and PCMA/8000";
        return error is null;
    }

    private static bool Is(SdpCodec codec, string name, int clockRate) =>
        codec.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && codec.ClockRate == clockRate;

    private static bool WantsStereo(SdpCodec codec) =>
        codec.FormatParameters?.Split(';', StringSplitOptions.TrimEntries).Contains("stereo=1", StringComparer.OrdinalIgnoreCase) == true;

    private static string Describe(SdpCodec codec) => $"{codec.Name}/{codec.ClockRate}/{codec.Channels} (payload type {codec.PayloadType})";
}
