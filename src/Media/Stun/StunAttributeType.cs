namespace Beryl.Media.Stun;

/// <summary>STUN attribute type codes (IANA "STUN Attributes" registry) used by this stack.</summary>
public static class StunAttributeType
{
    /// <summary>MAPPED-ADDRESS (RFC 8489).</summary>
    public const ushort MappedAddress = 0x0001;
    /// <summary>USERNAME (RFC 8489).</summary>
    public const ushort Username = 0x0006;
    /// <summary>MESSAGE-INTEGRITY, HMAC-SHA1 (RFC 8489).</summary>
    public const ushort MessageIntegrity = 0x0008;
    /// <summary>ERROR-CODE (RFC 8489).</summary>
    public const ushort ErrorCode = 0x0009;
    /// <summary>UNKNOWN-ATTRIBUTES (RFC 8489).</summary>
    public const ushort UnknownAttributes = 0x000A;
    /// <summary>REALM (RFC 8489), long-term credentials.</summary>
    public const ushort Realm = 0x0014;
    /// <summary>NONCE (RFC 8489), long-term credentials.</summary>
    public const ushort Nonce = 0x0015;
    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489).</summary>
    public const ushort XorMappedAddress = 0x0020;
    /// <summary>PRIORITY (RFC 8445).</summary>
    public const ushort Priority = 0x0024;
    /// <summary>USE-CANDIDATE (RFC 8445).</summary>
    public const ushort UseCandidate = 0x0025;
    /// <summary>SOFTWARE (RFC 8489).</summary>
    public const ushort Software = 0x8022;
    /// <summary>ALTERNATE-SERVER (RFC 8489).</summary>
    public const ushort AlternateServer = 0x8023;
    /// <summary>FINGERPRINT (RFC 8489).</summary>
    public const ushort Fingerprint = 0x8028;
    /// <summary>ICE-CONTROLLED (RFC 8445).</summary>
    public const ushort IceControlled = 0x8029;
    /// <summary>ICE-CONTROLLING (RFC 8445).</summary>
    public const ushort IceControlling = 0x802A;

    /// <summary>Whether an agent that does not understand <paramref name="type"/> must reject the message (0x0000-0x7FFF).</summary>
    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;

    internal static bool IsUnderstood(ushort type) => type switch
    {
        MappedAddress or Username or MessageIntegrity or ErrorCode or UnknownAttributes or Realm or Nonce
            or XorMappedAddress or Priority or UseCandidate or Software or AlternateServer or Fingerprint
            or IceControlled or IceControlling => true,
        _ => false,
    };
}
