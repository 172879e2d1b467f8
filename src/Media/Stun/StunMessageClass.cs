namespace Beryl.Media.Stun;

/// <summary>The class bits of a STUN message type (RFC 8489 section 5).</summary>
public enum StunMessageClass : byte
{
    /// <summary>A request, answered by a success or error response.</summary>
    Request = 0,

    /// <summary>An indication, never answered.</summary>
    Indication = 1,

    /// <summary>A success response.</summary>
    SuccessResponse = 2,

    /// <summary>An error response, carrying ERROR-CODE.</summary>
    ErrorResponse = 3,
}

/// <summary>STUN methods this stack knows by name; any 12-bit value can still be carried.</summary>
public enum StunMethod : ushort
{
    /// <summary>The Binding method (RFC 8489), used for reflexive addresses and ICE checks.</summary>
    Binding = 0x001,
}
