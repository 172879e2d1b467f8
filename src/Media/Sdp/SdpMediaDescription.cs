using System.Globalization;
using System.Text;

namespace Beryl.Media.Sdp;

/// <summary>One media section: the <c>m=</c> line and what follows it up to the next one.</summary>
public sealed class SdpMediaDescription : SdpAttributeContainer
{
    /// <summary>Creates a section; <paramref name="formats"/> must not be empty when serialised.</summary>
    public SdpMediaDescription(string media, int port, string protocol, IEnumerable<string> formats)
    {
        Media = media;
        Port = port;
        Protocol = protocol;
        Formats = formats.ToList();
    }

    /// <summary><c>audio</c>, <c>video</c>, <c>application</c>...</summary>
    public string Media { get; set; }

    /// <summary>The port; 0 rejects or disables the section.</summary>
    public int Port { get; set; }

    /// <summary>The number of ports after a slash (<c>m=audio 9/2</c>), null when not given.</summary>
    public int? PortCount { get; set; }

    /// <summary>E.g. <c>UDP/TLS/RTP/SAVPF</c> or <c>UDP/DTLS/SCTP</c>.</summary>
    public string Protocol { get; set; }

    /// <summary>Payload type numbers for RTP, e.g. <c>webrtc-datachannel</c> for SCTP.</summary>
    public IList<string> Formats { get; }

    /// <summary>The section's <c>c=</c> line.</summary>
    public SdpConnection? Connection { get; set; }

    /// <summary><c>i= b= k=</c> lines, kept as they are.</summary>
    public IList<SdpLine> OtherLines { get; } = new List<SdpLine>();

    /// <summary><c>a=mid</c>.</summary>
    public string? Mid => GetAttribute("mid");

    /// <summary>Whether <c>a=rtcp-mux</c> is present.</summary>
    public bool RtcpMux => HasAttribute("rtcp-mux");

    /// <summary>Whether <c>a=rtcp-rsize</c> is present.</summary>
    public bool RtcpReducedSize => HasAttribute("rtcp-rsize");

    /// <summary><c>a=msid</c>: stream id and track id.</summary>
    public string? Msid => GetAttribute("msid");

    /// <summary>Whether <c>a=end-of-candidates</c> is present.</summary>
    public bool EndOfCandidates => HasAttribute("end-of-candidates");

    /// <summary>Every <c>a=candidate</c> as the raw string <c>candidate:...</c> the ICE layer parses.</summary>
    public IReadOnlyList<string> Candidates => GetAttributes("candidate").Select(c => "candidate:" + c).ToList();

    /// <summary>Every valid <c>a=rtpmap</c>, in order.</summary>
    public IReadOnlyList<SdpRtpMap> RtpMaps => Parsed<SdpRtpMap>("rtpmap", SdpRtpMap.TryParse);

    /// <summary>Every valid <c>a=ssrc</c>, in order.</summary>
    public IReadOnlyList<SdpSsrc> Ssrcs => Parsed<SdpSsrc>("ssrc", SdpSsrc.TryParse);

    /// <summary>Every valid <c>a=extmap</c>, in order.</summary>
    public IReadOnlyList<SdpExtmap> Extmaps => Parsed<SdpExtmap>("extmap", SdpExtmap.TryParse);

    /// <summary>
    /// The rtpmap of <paramref name="payloadType"/>, falling back to the RFC 3551 static assignments
    /// (PCMU 0, GSM 3, PCMA 8, G722 9, CN 13...) that offers may list without one.
    /// </summary>
    public SdpRtpMap? GetRtpMap(int payloadType) =>
        RtpMaps.FirstOrDefault(m => m.PayloadType == payloadType) ?? StaticPayloadType(payloadType);

    /// <summary>The <c>a=fmtp</c> parameters of <paramref name="format"/>, e.g. <c>minptime=10;useinbandfec=1</c>.</summary>
    public string? GetFormatParameters(string format)
    {
        foreach (string value in GetAttributes("fmtp"))
        {
            int space = value.IndexOf(' ');
            if (space > 0 && value.AsSpan(0, space).SequenceEqual(format))
                return value[(space + 1)..];
        }

        return null;
    }

    private static SdpRtpMap? StaticPayloadType(int payloadType) => payloadType switch
    {
        0 => new SdpRtpMap(0, "PCMU", 8000),
        3 => new SdpRtpMap(3, "GSM", 8000),
        8 => new SdpRtpMap(8, "PCMA", 8000),
        9 => new SdpRtpMap(9, "G722", 8000),
        13 => new SdpRtpMap(13, "CN", 8000),
        18 => new SdpRtpMap(18, "G729", 8000),
        _ => null,
    };

    private delegate bool Parser<T>(string value, out T? parsed);

    private List<T> Parsed<T>(string name, Parser<T> parse) where T : class
    {
        var list = new List<T>();
        foreach (string value in GetAttributes(name))
        {
            if (parse(value, out var parsed))
                list.Add(parsed!);
        }

        return list;
    }

    internal void AppendTo(StringBuilder sdp)
    {
        var inv = CultureInfo.InvariantCulture;
        sdp.Append("m=").Append(Media).Append(' ').Append(Port.ToString(inv));
        if (PortCount is int count)
            sdp.Append('/').Append(count.ToString(inv));
        sdp.Append(' ').Append(Protocol);
        foreach (string format in Formats)
            sdp.Append(' ').Append(format);
        sdp.Append("\r\n");
        SdpSessionDescription.AppendLines(sdp, OtherLines, "i");
        if (Connection is not null)
            sdp.Append("c=").Append(Connection).Append("\r\n");
        SdpSessionDescription.AppendLines(sdp, OtherLines, "bk");
        foreach (var attribute in Attributes)
            sdp.Append("a=").Append(attribute).Append("\r\n");
    }
}
