using System.Globalization;

namespace Beryl.Media.Sdp;

/// <summary>An <c>a=rtpmap</c> value: <c>&lt;pt&gt; &lt;encoding&gt;/&lt;clock rate&gt;[/&lt;channels&gt;]</c>.</summary>
/// <param name="PayloadType">0..127.</param>
/// <param name="EncodingName">E.g. <c>opus</c>, <c>PCMU</c>, <c>telephone-event</c>.</param>
/// <param name="ClockRate">RTP clock rate in Hz.</param>
/// <param name="Channels">Audio channels, 1 when not given.</param>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int Channels = 1)
{
    /// <summary>Largest clock rate accepted from the network (no payload format comes close).</summary>
    public const int MaxClockRate = 10_000_000;

    /// <summary>Parses an rtpmap value; never throws.</summary>
    public static bool TryParse(string value, out SdpRtpMap? rtpMap)
    {
        rtpMap = null;
        int space = value.IndexOf(' ');
        if (space < 0 || !SdpText.TryParseInt(value.AsSpan(0, space), 0, 127, out int payloadType))
            return false;
        string[] parts = value[(space + 1)..].Split('/');
        if (parts.Length is < 2 or > 3 || !SdpText.IsToken(parts[0]) || !SdpText.TryParseInt(parts[1], 1, MaxClockRate, out int clockRate))
            return false;
        int channels = 1;
        if (parts.Length == 3 && !SdpText.TryParseInt(parts[2], 1, 255, out channels))
            return false;
        rtpMap = new SdpRtpMap(payloadType, parts[0], clockRate, channels);
        return true;
    }

    /// <summary>The value as it goes after <c>a=rtpmap:</c> (channels only when more than one).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{PayloadType} {EncodingName}/{ClockRate}{(Channels > 1 ? "/" + Channels.ToString(CultureInfo.InvariantCulture) : "")}");
}
