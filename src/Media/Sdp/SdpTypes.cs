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
