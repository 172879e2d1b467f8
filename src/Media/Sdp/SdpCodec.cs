namespace Beryl.Media.Sdp;

/// <summary>An audio codec as offered or answered: payload type, rtpmap and fmtp.</summary>
/// <param name="PayloadType">0..127.</param>
/// <param name="Name">Encoding name, matched case-insensitively.</param>
/// <param name="ClockRate">RTP clock rate in Hz.</param>
/// <param name="Channels">Channels (Opus is always signalled as 2).</param>
/// <param name="FormatParameters">The <c>a=fmtp</c> parameters, or null.</param>
public sealed record SdpCodec(int PayloadType, string Name, int ClockRate, int Channels = 1, string? FormatParameters = null)
{
    /// <summary>Opus, 111/48000/2, <c>minptime=10;useinbandfec=1</c> as browsers offer it.</summary>
    public static SdpCodec Opus { get; } = new(111, "opus", 48000, 2, "minptime=10;useinbandfec=1");

    /// <summary>G.711 µ-law, static payload type 0.</summary>
    public static SdpCodec Pcmu { get; } = new(0, "PCMU", 8000);

    /// <summary>G.711 A-law, static payload type 8.</summary>
    public static SdpCodec Pcma { get; } = new(8, "PCMA", 8000);

    /// <summary>DTMF events (RFC 4733) at 8 kHz, 126.</summary>
    public static SdpCodec TelephoneEvent8000 { get; } = new(126, "telephone-event", 8000, 1, "0-15");

    /// <summary>DTMF events (RFC 4733) at 48 kHz, 101.</summary>
    public static SdpCodec TelephoneEvent48000 { get; } = new(101, "telephone-event", 48000, 1, "0-15");

    /// <summary>Whether this is telephone-event rather than a codec carrying audio.</summary>
    public bool IsTelephoneEvent => Name.Equals("telephone-event", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="rtpMap"/> names the same encoding, clock rate and channels (payload type aside).</summary>
    public bool Matches(SdpRtpMap rtpMap) =>
        rtpMap.EncodingName.Equals(Name, StringComparison.OrdinalIgnoreCase) && rtpMap.ClockRate == ClockRate && rtpMap.Channels == Channels;

    internal SdpRtpMap ToRtpMap() => new(PayloadType, Name, ClockRate, Channels);
}
