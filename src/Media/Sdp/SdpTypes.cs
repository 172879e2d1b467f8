using System.Globalization;

namespace Beryl.Media.Sdp;

/// <summary>One <c>a=</c> line: a name and, for value attributes, the text after the first colon (kept as it was).</summary>
/// <param name="Name">The attribute name, e.g. <c>rtpmap</c>.</param>
/// <param name="Value">The value, or null for a property attribute such as <c>rtcp-mux</c>.</param>
public sealed record SdpAttribute(string Name, string? Value = null)
{
    /// <summary>The line without its <c>a=</c> prefix.</summary>
    public override string ToString() => Value is null ? Name : Name + ":" + Value;
}

/// <summary>A line kept as it is because nothing here interprets it (<c>i= u= e= p= b= r= z= k=</c>).</summary>
/// <param name="Type">The type letter.</param>
/// <param name="Value">The text after <c>=</c>.</param>
public sealed record SdpLine(char Type, string Value);

/// <summary>The <c>o=</c> line (RFC 8866 section 5.2).</summary>
/// <param name="Username">User name, <c>-</c> when none.</param>
/// <param name="SessionId">Numeric session id (digits, kept as text: browsers send up to 19 digits and the grammar allows more).</param>
/// <param name="SessionVersion">Numeric version, increased on every change (digits, kept as text).</param>
/// <param name="NetworkType">Always <c>IN</c> in practice.</param>
/// <param name="AddressType"><c>IP4</c> or <c>IP6</c>.</param>
/// <param name="Address">Unicast address of the originator (browsers send 127.0.0.1 or 0.0.0.0).</param>
public sealed record SdpOrigin(string Username, string SessionId, string SessionVersion, string NetworkType, string AddressType, string Address)
{
    /// <summary>The line without its <c>o=</c> prefix.</summary>
    public override string ToString() => $"{Username} {SessionId} {SessionVersion} {NetworkType} {AddressType} {Address}";
}

/// <summary>A <c>c=</c> line (RFC 8866 section 5.7).</summary>
/// <param name="NetworkType">Always <c>IN</c> in practice.</param>
/// <param name="AddressType"><c>IP4</c> or <c>IP6</c>.</param>
/// <param name="Address">The connection address.</param>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    /// <summary>The <c>c=IN IP4 0.0.0.0</c> that ICE-based offers and answers carry.</summary>
    public static SdpConnection Unspecified { get; } = new("IN", "IP4", "0.0.0.0");

    /// <summary>The line without its <c>c=</c> prefix.</summary>
    public override string ToString() => $"{NetworkType} {AddressType} {Address}";
}

/// <summary>The <c>t=</c> line: NTP start and stop seconds, both 0 for an unbounded session.</summary>
/// <param name="Start">Start time (NTP seconds) or 0.</param>
/// <param name="Stop">Stop time (NTP seconds) or 0.</param>
public readonly record struct SdpTiming(ulong Start, ulong Stop)
{
    /// <summary>The line without its <c>t=</c> prefix.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Start} {Stop}");
}

/// <summary>Media direction attributes (RFC 8866 section 6.7).</summary>
public enum SdpDirection
{
    /// <summary><c>a=sendrecv</c>, also the default when no direction is given.</summary>
    SendRecv,

    /// <summary><c>a=sendonly</c>.</summary>
    SendOnly,

    /// <summary><c>a=recvonly</c>.</summary>
    RecvOnly,

    /// <summary><c>a=inactive</c>.</summary>
    Inactive,
}

/// <summary>DTLS roles of <c>a=setup</c> (RFC 4145, RFC 5763).</summary>
public enum SdpSetupRole
{
    /// <summary><c>actpass</c>: either; what an offer says.</summary>
    ActPass,

    /// <summary><c>active</c>: this end is the DTLS client.</summary>
    Active,

    /// <summary><c>passive</c>: this end is the DTLS server.</summary>
    Passive,

    /// <summary><c>holdconn</c>: no connection for now.</summary>
    HoldConn,
}

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

/// <summary>An <c>a=ssrc</c> value (RFC 5576): <c>&lt;ssrc&gt; &lt;attribute&gt;[:&lt;value&gt;]</c>.</summary>
/// <param name="Ssrc">The source.</param>
/// <param name="Attribute">E.g. <c>cname</c>, <c>msid</c>.</param>
/// <param name="Value">The attribute's value, or null.</param>
public sealed record SdpSsrc(uint Ssrc, string Attribute, string? Value)
{
    /// <summary>Parses an ssrc value; never throws.</summary>
    public static bool TryParse(string value, out SdpSsrc? ssrc)
    {
        ssrc = null;
        int space = value.IndexOf(' ');
        if (space < 0 || !uint.TryParse(value.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
            return false;
        string rest = value[(space + 1)..];
        int colon = rest.IndexOf(':');
        string name = colon < 0 ? rest : rest[..colon];
        if (!SdpText.IsToken(name))
            return false;
        ssrc = new SdpSsrc(id, name, colon < 0 ? null : rest[(colon + 1)..]);
        return true;
    }

    /// <summary>The value as it goes after <c>a=ssrc:</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Ssrc} {Attribute}{(Value is null ? "" : ":" + Value)}");
}

/// <summary>An <c>a=extmap</c> value (RFC 8285): <c>&lt;id&gt;[/&lt;direction&gt;] &lt;uri&gt; [&lt;attributes&gt;]</c>.</summary>
/// <param name="Id">Element id, 1..255 (1..14 fit the one-byte form).</param>
/// <param name="Uri">The extension's URI.</param>
/// <param name="Direction">The optional direction, e.g. <c>sendonly</c>.</param>
/// <param name="Attributes">Extension attributes after the URI, or null.</param>
public sealed record SdpExtmap(int Id, string Uri, string? Direction = null, string? Attributes = null)
{
    /// <summary>Parses an extmap value; never throws.</summary>
    public static bool TryParse(string value, out SdpExtmap? extmap)
    {
        extmap = null;
        string[] parts = value.Split(' ', 3);
        if (parts.Length < 2 || parts[1].Length == 0)
            return false;
        string[] idAndDirection = parts[0].Split('/');
        if (idAndDirection.Length > 2 || !SdpText.TryParseInt(idAndDirection[0], 1, 255, out int id))
            return false;
        string? direction = idAndDirection.Length == 2 ? idAndDirection[1] : null;
        if (direction is not null && !SdpText.TryParseDirection(direction, out _))
            return false;
        extmap = new SdpExtmap(id, parts[1], direction, parts.Length == 3 ? parts[2] : null);
        return true;
    }

    /// <summary>The value as it goes after <c>a=extmap:</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Id}{(Direction is null ? "" : "/" + Direction)} {Uri}{(Attributes is null ? "" : " " + Attributes)}");
}

/// <summary>Small lexical helpers shared by the SDP types.</summary>
internal static class SdpText
{
    /// <summary>A decimal in <paramref name="min"/>..<paramref name="max"/>, digits only (no sign, no spaces), at most 10 digits.</summary>
    public static bool TryParseInt(ReadOnlySpan<char> text, int min, int max, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 10)
            return false;
        foreach (char c in text)
        {
            if (c is < '0' or > '9')
                return false;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long wide) || wide < min || wide > max)
            return false;
        value = (int)wide;
        return true;
    }

    /// <summary>Digits only, 1..64 of them (session ids and versions).</summary>
    public static bool IsDigits(string text) => text.Length is > 0 and <= 64 && text.All(char.IsAsciiDigit);

    /// <summary>RFC 8866 token: visible ASCII except the separators it excludes.</summary>
    public static bool IsToken(string text)
    {
        if (text.Length == 0)
            return false;
        foreach (char c in text)
        {
            if (c is <= ' ' or >= (char)0x7F or '"' or '(' or ')' or ',' or '/' or ':' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}')
                return false;
        }

        return true;
    }

    private static readonly (string Text, SdpDirection Value)[] Directions =
        [("sendrecv", SdpDirection.SendRecv), ("sendonly", SdpDirection.SendOnly), ("recvonly", SdpDirection.RecvOnly), ("inactive", SdpDirection.Inactive)];

    private static readonly (string Text, SdpSetupRole Value)[] SetupRoles =
        [("actpass", SdpSetupRole.ActPass), ("active", SdpSetupRole.Active), ("passive", SdpSetupRole.Passive), ("holdconn", SdpSetupRole.HoldConn)];

    public static bool TryParseDirection(string? text, out SdpDirection direction) => TryParseKeyword(Directions, text, out direction);

    public static string ToText(SdpDirection direction) => ToKeyword(Directions, direction);

    public static bool TryParseSetup(string? text, out SdpSetupRole role) => TryParseKeyword(SetupRoles, text, out role);

    public static string ToText(SdpSetupRole role) => ToKeyword(SetupRoles, role);

    private static bool TryParseKeyword<T>((string Text, T Value)[] keywords, string? text, out T value)
    {
        foreach (var keyword in keywords)
        {
            if (keyword.Text == text)
            {
                value = keyword.Value;
                return true;
            }
        }

        value = keywords[0].Value;
        return false;
    }

    private static string ToKeyword<T>((string Text, T Value)[] keywords, T value) =>
        keywords.First(k => EqualityComparer<T>.Default.Equals(k.Value, value)).Text;
}
