using System.Globalization;

namespace Beryl.Media.Sdp;

/// <summary>The line-by-line parser behind <see cref="SdpSessionDescription.TryParse"/>: one instance per text.</summary>
internal sealed class SdpParser
{
    // RFC 8866 section 9 order of the lines within the session part and within a media section.
    private const string SessionOrder = "vosiuepcbtrzka";
    private const string MediaOrder = "icbka";

    private static readonly HashSet<string> MediaOnlyAttributes =
    [
        "rtpmap", "fmtp", "rtcp-fb", "mid", "ssrc", "ssrc-group", "msid", "rtcp", "rtcp-mux", "rtcp-rsize",
        "ptime", "maxptime", "candidate", "sctp-port", "max-message-size", "simulcast", "rid",
    ];

    private readonly List<SdpAttribute> _sessionAttributes = [];
    private readonly List<SdpLine> _sessionLines = [];
    private readonly List<SdpMediaDescription> _media = [];
    private SdpOrigin? _origin;
    private string? _sessionName;
    private SdpTiming? _timing;
    private SdpConnection? _sessionConnection;
    private int _lastRank = -1;

    public static bool TryParse(string? text, out SdpSessionDescription? sdp, out string? error)
    {
        sdp = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "the SDP is empty";
            return false;
        }

        if (text.Length > SdpSessionDescription.MaxLength)
        {
            error = $"the SDP is {text.Length} characters long, more than {SdpSessionDescription.MaxLength}";
            return false;
        }

        var parser = new SdpParser();
        error = parser.Parse(text);
        sdp = error is null ? parser.Build() : null;
        return error is null;
    }

    private string? Parse(string text)
    {
        var lines = text.Split('\n');
        int lineCount = lines.Length - (lines[^1].Length == 0 ? 1 : 0); // a final line end is not an empty line
        if (lineCount > SdpSessionDescription.MaxLines)
            return $"the SDP has {lineCount} lines, more than {SdpSessionDescription.MaxLines}";

        for (int index = 0; index < lineCount; index++)
        {
            string line = lines[index].EndsWith('\r') ? lines[index][..^1] : lines[index];
            string? problem = ParseLine(line, index);
            if (problem is not null)
                return $"line {index + 1}: {problem}";
        }

        if (_origin is null || _sessionName is null)
            return "the SDP ends before its o= and s= lines";
        return _timing is null ? "the SDP has no t= line" : null;
    }

    private SdpSessionDescription Build()
    {
        var sdp = new SdpSessionDescription(_origin!, _sessionName!) { Connection = _sessionConnection, Timing = _timing!.Value };
        foreach (var attribute in _sessionAttributes)
            sdp.Attributes.Add(attribute);
        foreach (var other in _sessionLines)
            sdp.OtherLines.Add(other);
        foreach (var section in _media)
            sdp.MediaDescriptions.Add(section);
        return sdp;
    }

    private string? ParseLine(string line, int index)
    {
        if (line.Length == 0)
            return "empty line";
        if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
            return $"expected '<letter>=<value>', got '{Excerpt(line)}'";
        foreach (char c in line)
        {
            if ((c < ' ' && c != '\t') || c == (char)0x7F)
                return $"control character 0x{(int)c:X2} in '{Excerpt(line)}'";
        }

        char type = line[0];
        string value = line[2..];
        if (index < 3)
        {
            // v=, o= and s= open every description, in that order.
            char expected = "vos"[index];
            if (type != expected)
                return $"expected the {expected}= line, got '{Excerpt(line)}'";
        }

        if (type == 'm')
            return StartMediaSection(value);

        var current = _media.Count > 0 ? _media[^1] : null;
        string order = current is null ? SessionOrder : MediaOrder;
        int rank = order.IndexOf(type);
        if (rank < 0)
            return $"{type}= line not allowed {(current is null ? "at session level" : "in a media section")}";
        if (rank < _lastRank || (rank == _lastRank && type is 'v' or 'o' or 's' or 'c' or 't' or 'i' or 'u' or 'k'))
            return $"{type}= line out of order or repeated";
        _lastRank = rank;

        switch (type)
        {
            case 'v':
                return value == "0" ? null : $"unsupported SDP version '{Excerpt(value)}'";
            case 'o':
                _origin = ParseOrigin(value);
                return _origin is null ? "o= needs '<username> <session id> <version> IN IP4|IP6 <address>' with numeric id and version" : null;
            case 's':
                _sessionName = value;
                return null;
            case 't':
                string[] times = value.Split(' ');
                if (times.Length != 2 || !ulong.TryParse(times[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start)
                    || !ulong.TryParse(times[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong stop))
                    return "t= needs '<start> <stop>' in NTP seconds";
                _timing = new SdpTiming(start, stop);
                return null;
            case 'c':
                var connection = ParseConnection(value);
                if (connection is null)
                    return "c= needs '<network type> <address type> <address>'";
                if (current is null)
                    _sessionConnection = connection;
                else
                    current.Connection = connection;
                return null;
            case 'a':
                var attribute = ParseAttribute(value, current is null, out string? problem);
                if (attribute is null)
                    return problem;
                (current?.Attributes ?? _sessionAttributes).Add(attribute);
                return null;
            default:
                (current?.OtherLines ?? _sessionLines).Add(new SdpLine(type, value));
                return null;
        }
    }

    private string? StartMediaSection(string value)
    {
        if (_timing is null)
            return "m= line before the t= line";
        if (_media.Count == SdpSessionDescription.MaxMediaDescriptions)
            return $"more than {SdpSessionDescription.MaxMediaDescriptions} m= lines";
        var section = ParseMediaLine(value, out string? problem);
        if (section is null)
            return problem;
        _media.Add(section);
        _lastRank = -1;
        return null;
    }

    private static SdpMediaDescription? ParseMediaLine(string value, out string? problem)
    {
        problem = null;
        string[] parts = value.Split(' ');
        if (parts.Length < 4 || parts.Any(p => p.Length == 0))
        {
            problem = "m= needs '<media> <port> <protocol> <format> ...' separated by single spaces";
            return null;
        }

        if (!SdpText.IsToken(parts[0]))
        {
            problem = $"m= media '{Excerpt(parts[0])}' is not a token";
            return null;
        }

        string[] port = parts[1].Split('/');
        int count = 0;
        if (port.Length > 2 || !SdpText.TryParseInt(port[0], 0, 65535, out int number) || (port.Length == 2 && !SdpText.TryParseInt(port[1], 1, 65535, out count)))
        {
            problem = $"m= port '{Excerpt(parts[1])}' is not a number 0..65535 (optionally /<count>)";
            return null;
        }

        if (!parts[2].Split('/').All(SdpText.IsToken) || parts.Skip(3).Any(f => !SdpText.IsToken(f)))
        {
            problem = "m= protocol or format is not a token";
            return null;
        }

        return new SdpMediaDescription(parts[0], number, parts[2], parts[3..]) { PortCount = port.Length == 2 ? count : null };
    }

    private static SdpOrigin? ParseOrigin(string value)
    {
        string[] parts = value.Split(' ');
        return parts.Length == 6 && parts.All(p => p.Length > 0) && SdpText.IsDigits(parts[1]) && SdpText.IsDigits(parts[2])
            ? new SdpOrigin(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
            : null;
    }

    private static SdpConnection? ParseConnection(string value)
    {
        string[] parts = value.Split(' ');
        // Addresses are not tokens: IPv6 has colons, multicast a slash and TTL.
        return parts.Length == 3 && SdpText.IsToken(parts[0]) && SdpText.IsToken(parts[1]) && parts[2].Length > 0
            ? new SdpConnection(parts[0], parts[1], parts[2])
            : null;
    }

    private static SdpAttribute? ParseAttribute(string text, bool sessionLevel, out string? problem)
    {
        int colon = text.IndexOf(':');
        string name = colon < 0 ? text : text[..colon];
        string? value = colon < 0 ? null : text[(colon + 1)..];
        problem = null;
        if (!SdpText.IsToken(name))
            problem = $"attribute name '{Excerpt(name)}' is not a token";
        else if (sessionLevel && MediaOnlyAttributes.Contains(name))
            problem = $"a={name} belongs in a media section, not before the first m= line";
        else
            problem = CheckKnownAttribute(name, value);
        return problem is null ? new SdpAttribute(name, value) : null;
    }

    /// <summary>The attributes this layer reads are checked on the way in, so their accessors never see garbage.</summary>
    private static string? CheckKnownAttribute(string name, string? value)
    {
        bool valid = name switch
        {
            "rtpmap" => value is not null && SdpRtpMap.TryParse(value, out _),
            "ssrc" => value is not null && SdpSsrc.TryParse(value, out _),
            "extmap" => value is not null && SdpExtmap.TryParse(value, out _),
            "setup" => SdpText.TryParseSetup(value, out _),
            "fmtp" => value is not null && value.IndexOf(' ') > 0,
            "fingerprint" => value is not null && value.Split(' ') is [{ Length: > 0 }, { Length: > 0 }],
            "mid" or "ice-ufrag" or "ice-pwd" => value is { Length: > 0 } && !value.Contains(' '),
            "candidate" or "group" or "ice-options" or "msid" => value is { Length: > 0 },
            _ => true,
        };
        return valid ? null : $"a={name} has an invalid value '{Excerpt(value ?? "")}'";
    }

    private static string Excerpt(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
