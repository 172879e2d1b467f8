namespace Beryl.Media.Sdp;

/// <summary>
/// The attributes of a session or media section, in order, unknown ones included, with typed accessors for the
/// attributes both levels may carry (ICE credentials, fingerprint, setup, direction: media level overrides session level).
/// </summary>
public abstract class SdpAttributeContainer
{
    /// <summary>All <c>a=</c> lines of this level, in order.</summary>
    public IList<SdpAttribute> Attributes { get; } = new List<SdpAttribute>();

    /// <summary>The value of the first attribute called <paramref name="name"/> (null if absent or valueless).</summary>
    public string? GetAttribute(string name) => Attributes.FirstOrDefault(a => a.Name == name)?.Value;

    /// <summary>The values of every attribute called <paramref name="name"/>, in order.</summary>
    public IEnumerable<string> GetAttributes(string name) => Attributes.Where(a => a.Name == name && a.Value is not null).Select(a => a.Value!);

    /// <summary>Whether an attribute called <paramref name="name"/> is present.</summary>
    public bool HasAttribute(string name) => Attributes.Any(a => a.Name == name);

    /// <summary>Appends an attribute.</summary>
    public void AddAttribute(string name, string? value = null) => Attributes.Add(new SdpAttribute(name, value));

    /// <summary><c>a=ice-ufrag</c>.</summary>
    public string? IceUfrag => GetAttribute("ice-ufrag");

    /// <summary><c>a=ice-pwd</c>.</summary>
    public string? IcePwd => GetAttribute("ice-pwd");

    /// <summary>The options of <c>a=ice-options</c> (e.g. <c>trickle</c>), empty when absent.</summary>
    public IReadOnlyList<string> IceOptions => GetAttribute("ice-options")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary><c>a=fingerprint</c> as text, e.g. <c>sha-256 AB:CD:...</c> (the DTLS layer parses it).</summary>
    public string? Fingerprint => GetAttribute("fingerprint");

    /// <summary><c>a=setup</c>, null when absent.</summary>
    public SdpSetupRole? Setup => SdpText.TryParseSetup(GetAttribute("setup"), out var role) ? role : null;

    /// <summary>The direction attribute of this level, null when none is given.</summary>
    public SdpDirection? Direction
    {
        get
        {
            foreach (var attribute in Attributes)
            {
                if (SdpText.TryParseDirection(attribute.Name, out var direction))
                    return direction;
            }

            return null;
        }
    }

    /// <summary>Replaces any direction attribute with <paramref name="direction"/>.</summary>
    public void SetDirection(SdpDirection direction)
    {
        for (int i = Attributes.Count - 1; i >= 0; i--)
        {
            if (SdpText.TryParseDirection(Attributes[i].Name, out _))
                Attributes.RemoveAt(i);
        }

        AddAttribute(SdpText.ToText(direction));
    }
}
