using System.Globalization;

namespace Beryl.Media.Sdp;

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
