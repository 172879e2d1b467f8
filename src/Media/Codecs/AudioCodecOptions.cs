using Beryl.Media.Codecs.Opus;

namespace Beryl.Media.Codecs;

/// <summary>How <see cref="AudioCodecs.TryCreateEncoder"/> sets up whichever codec was negotiated.</summary>
public sealed record AudioCodecOptions
{
    /// <summary>Milliseconds of audio per packet: 20 by default; 10, 20, 40 or 60 for Opus, 10..60 in steps of 10 for G.711.</summary>
    public int FrameDurationMs { get; init; } = 20;

    /// <summary>The PCM rate Opus encodes from (8, 12, 16, 24 or 48 kHz); G.711 always takes 8 kHz.</summary>
    public int OpusSampleRate { get; init; } = 48_000;

    /// <summary>Channels Opus encodes (1 or 2); G.711 is always mono.</summary>
    public int OpusChannels { get; init; } = 1;

    /// <summary>Bitrate, complexity, FEC and DTX of Opus.</summary>
    public OpusEncoderOptions Opus { get; init; } = new();
}
