using System.Globalization;
using System.Net;
using System.Text;

namespace Beryl.Media.Ice;

/// <summary>
/// An ICE candidate as carried in SDP (RFC 8839 section 5.1). Unknown extension attributes (Chrome's
/// <c>network-id</c>, <c>network-cost</c>, ...) are kept in order so <see cref="ToString"/> reproduces them.
/// </summary>
public sealed class IceCandidate
{
    private const int MaxFoundationLength = 32;

    /// <summary>Creates a candidate.</summary>
    public IceCandidate(
        string foundation, int component, string transport, uint priority, string address, int port, IceCandidateType type,
        string? relatedAddress = null, int? relatedPort = null, IReadOnlyList<KeyValuePair<string, string>>? extensions = null)
    {
        Foundation = foundation;
        Component = component;
        Transport = transport;
        Priority = priority;
        Address = address;
        Port = port;
        Type = type;
        RelatedAddress = relatedAddress;
        RelatedPort = relatedPort;
        Extensions = extensions ?? [];
        IPAddress.TryParse(address, out IPAddress? ip);
        EndPoint = ip is null ? null : new IPEndPoint(ip, port);
    }

    /// <summary>Candidates with the same foundation share a base, type and server (RFC 8445 section 5.1.1.3).</summary>
    public string Foundation { get; }

    /// <summary>The component id; 1 (RTP, and RTCP with rtcp-mux) is the only one BUNDLE needs.</summary>
    public int Component { get; }

    /// <summary>The transport as written (<c>udp</c>, <c>UDP</c>, <c>tcp</c>).</summary>
    public string Transport { get; }

    /// <summary>Whether <see cref="Transport"/> is UDP, the only transport this agent pairs.</summary>
    public bool IsUdp => Transport.Equals("udp", StringComparison.OrdinalIgnoreCase);

    /// <summary>The candidate priority (RFC 8445 section 5.1.2).</summary>
    public uint Priority { get; }

    /// <summary>The connection address: an IP literal, or an mDNS name such as <c>1f4712db.local</c>.</summary>
    public string Address { get; }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The candidate type.</summary>
    public IceCandidateType Type { get; }

    /// <summary><c>raddr</c>, if present.</summary>
    public string? RelatedAddress { get; }

    /// <summary><c>rport</c>, if present.</summary>
    public int? RelatedPort { get; }

    /// <summary>Extension attributes after the standard fields, as name/value pairs in their original order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; }

    /// <summary>The address and port when <see cref="Address"/> is an IP literal; null for mDNS names.</summary>
    public IPEndPoint? EndPoint { get; }

    /// <summary>Whether the address is an mDNS name (RFC 8839 section 5.1 / draft-ietf-mmusic-mdns-ice-candidates), which this agent does not resolve.</summary>
    public bool IsMdns => EndPoint is null && Address.EndsWith(".local", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>generation</c> extension, if present and numeric.</summary>
    public int? Generation => int.TryParse(Extension("generation"), NumberStyles.None, CultureInfo.InvariantCulture, out int g) ? g : null;

    /// <summary>The <c>ufrag</c> extension, if present.</summary>
    public string? Ufrag => Extension("ufrag");

    /// <summary>The value of extension <paramref name="name"/>, or null.</summary>
    public string? Extension(string name)
    {
        foreach (KeyValuePair<string, string> pair in Extensions)
        {
            if (pair.Key == name)
                return pair.Value;
        }
        return null;
    }

    /// <summary>
    /// Parses <c>candidate:...</c> or <c>a=candidate:...</c>. Never throws; false for malformed lines
    /// (bad numbers, missing <c>typ</c>, unknown type, odd extension list).
    /// </summary>
    public static bool TryParse(string? line, out IceCandidate candidate)
    {
        candidate = null!;
        if (line is null)
            return false;
        ReadOnlySpan<char> text = line.AsSpan().Trim();
        if (text.StartsWith("a=", StringComparison.Ordinal))
            text = text[2..];
        if (!text.StartsWith("candidate:", StringComparison.OrdinalIgnoreCase))
            return false;
        string[] fields = text["candidate:".Length..].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 8 || fields[6] != "typ" || !IsFoundation(fields[0]))
            return false;
        if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int component) || component is < 1 or > 256
            || !uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint priority)
            || !TryParsePort(fields[5], out int port) || !TryParseType(fields[7], out IceCandidateType type))
            return false;

        string? relatedAddress = null;
        int? relatedPort = null;
        var extensions = new List<KeyValuePair<string, string>>();
        for (int i = 8; i < fields.Length; i += 2)
        {
            if (i + 1 >= fields.Length)
                return false;
            switch (fields[i])
            {
                case "raddr":
                    relatedAddress = fields[i + 1];
                    break;
                case "rport" when TryParsePort(fields[i + 1], out int rport):
                    relatedPort = rport;
                    break;
                case "rport":
                    return false;
                default:
                    extensions.Add(new(fields[i], fields[i + 1]));
                    break;
            }
        }
        candidate = new IceCandidate(fields[0], component, fields[2], priority, fields[4], port, type, relatedAddress, relatedPort, extensions);
        return true;
    }

    private static bool IsFoundation(string value)
    {
        if (value.Length is 0 or > MaxFoundationLength)
            return false;
        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
                return false;
        }
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= ushort.MaxValue;

    private static bool TryParseType(string text, out IceCandidateType type)
    {
        (bool known, type) = text switch
        {
            "host" => (true, IceCandidateType.Host),
            "srflx" => (true, IceCandidateType.ServerReflexive),
            "prflx" => (true, IceCandidateType.PeerReflexive),
            "relay" => (true, IceCandidateType.Relay),
            _ => (false, IceCandidateType.Host),
        };
        return known;
    }

    private static string TypeName(IceCandidateType type) => type switch
    {
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        IceCandidateType.Relay => "relay",
        _ => "host",
    };

    /// <summary>The SDP attribute value, <c>candidate:...</c> (without <c>a=</c>).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(128);
        text.Append(CultureInfo.InvariantCulture, $"candidate:{Foundation} {Component} {Transport} {Priority} {Address} {Port} typ {TypeName(Type)}");
        if (RelatedAddress is not null)
            text.Append(" raddr ").Append(RelatedAddress);
        if (RelatedPort is int rport)
            text.Append(CultureInfo.InvariantCulture, $" rport {rport}");
        foreach (KeyValuePair<string, string> pair in Extensions)
            text.Append(' ').Append(pair.Key).Append(' ').Append(pair.Value);
        return text.ToString();
    }

    /// <summary>RFC 8445 section 5.1.2.1: 2^24·type preference + 2^8·local preference + (256 − component).</summary>
    public static uint ComputePriority(IceCandidateType type, int localPreference, int component) =>
        (uint)((TypePreference(type) << 24) + (Math.Clamp(localPreference, 0, 65535) << 8) + (256 - component));

    internal static int TypePreference(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => 126,
        IceCandidateType.PeerReflexive => 110,
        IceCandidateType.ServerReflexive => 100,
        _ => 0,
    };
}
