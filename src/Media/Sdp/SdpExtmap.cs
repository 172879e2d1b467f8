using System.Globalization;

namespace Beryl.Media.Sdp;

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
