using System.Text;

namespace Beryl.Media.Sdp;

/// <summary>
/// A session description (RFC 8866): the session-level lines and the media sections. Parses what browsers
/// send (CRLF or LF line ends), keeps unknown attributes in order, and serialises back to CRLF text.
/// </summary>
public sealed class SdpSessionDescription : SdpAttributeContainer
{
    /// <summary>Longest SDP accepted, in characters.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Most lines accepted.</summary>
    public const int MaxLines = 10_000;

    /// <summary>Most media sections accepted.</summary>
    public const int MaxMediaDescriptions = 64;

    /// <summary>Creates a description with a <c>-</c> origin and session name, ready to fill in.</summary>
    public SdpSessionDescription(SdpOrigin origin, string sessionName = "-")
    {
        Origin = origin;
        SessionName = sessionName;
    }

    /// <summary><c>v=</c>: always 0.</summary>
    public int Version => 0;

    /// <summary><c>o=</c>.</summary>
    public SdpOrigin Origin { get; set; }

    /// <summary><c>s=</c> (browsers send <c>-</c>).</summary>
    public string SessionName { get; set; }

    /// <summary>The session-level <c>c=</c> line, null when every media section has its own.</summary>
    public SdpConnection? Connection { get; set; }

    /// <summary><c>t=</c> (one line; repeated times are not supported).</summary>
    public SdpTiming Timing { get; set; }

    /// <summary><c>i= u= e= p= b= r= z= k=</c> lines, kept as they are.</summary>
    public IList<SdpLine> OtherLines { get; } = new List<SdpLine>();

    /// <summary>The media sections, in order.</summary>
    public IList<SdpMediaDescription> MediaDescriptions { get; } = new List<SdpMediaDescription>();

    /// <summary>The mids of <c>a=group:&lt;semantics&gt;</c> (e.g. <c>BUNDLE</c>), null when there is no such group.</summary>
    public IReadOnlyList<string>? GetGroup(string semantics)
    {
        foreach (string value in GetAttributes("group"))
        {
            string[] parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && parts[0] == semantics)
                return parts[1..];
        }

        return null;
    }

    /// <summary>Parses SDP text; never throws.</summary>
    /// <param name="text">The SDP, CRLF or LF line ends.</param>
    /// <param name="sdp">The description, or null on failure.</param>
    /// <param name="error">On failure, the line number and what is wrong.</param>
    public static bool TryParse(string? text, out SdpSessionDescription? sdp, out string? error) =>
        SdpParser.TryParse(text, out sdp, out error);

    /// <summary>The description as SDP text with CRLF line ends.</summary>
    public override string ToString()
    {
        var sdp = new StringBuilder(1024);
        sdp.Append("v=0\r\n");
        sdp.Append("o=").Append(Origin).Append("\r\n");
        sdp.Append("s=").Append(SessionName).Append("\r\n");
        AppendLines(sdp, OtherLines, "iuep");
        if (Connection is not null)
            sdp.Append("c=").Append(Connection).Append("\r\n");
        AppendLines(sdp, OtherLines, "b");
        sdp.Append("t=").Append(Timing.ToString()).Append("\r\n");
        AppendLines(sdp, OtherLines, "rzk");
        foreach (var attribute in Attributes)
            sdp.Append("a=").Append(attribute).Append("\r\n");
        foreach (var media in MediaDescriptions)
            media.AppendTo(sdp);
        return sdp.ToString();
    }

    /// <summary>Appends the lines whose types are in <paramref name="types"/>, in the grammar's order of those types.</summary>
    internal static void AppendLines(StringBuilder sdp, IEnumerable<SdpLine> lines, string types)
    {
        foreach (char type in types)
        {
            foreach (var line in lines.Where(l => l.Type == type))
                sdp.Append(type).Append('=').Append(line.Value).Append("\r\n");
        }
    }
}
