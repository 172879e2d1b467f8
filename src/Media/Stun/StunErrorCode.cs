namespace Beryl.Media.Stun;

/// <summary>ERROR-CODE values this stack sends or reacts to (RFC 8489 section 14.8, RFC 8445 section 7.3.1.1).</summary>
public static class StunErrorCode
{
    /// <summary>400 Bad Request: the request was malformed.</summary>
    public const int BadRequest = 400;
    /// <summary>401 Unauthenticated: missing or wrong credentials.</summary>
    public const int Unauthenticated = 401;
    /// <summary>420 Unknown Attribute: a comprehension-required attribute was not understood.</summary>
    public const int UnknownAttribute = 420;
    /// <summary>487 Role Conflict (ICE).</summary>
    public const int RoleConflict = 487;
    /// <summary>500 Server Error.</summary>
    public const int ServerError = 500;

    /// <summary>The reason phrase this stack sends with <paramref name="code"/>.</summary>
    public static string ReasonPhrase(int code) => code switch
    {
        BadRequest => "Bad Request",
        Unauthenticated => "Unauthenticated",
        UnknownAttribute => "Unknown Attribute",
        RoleConflict => "Role Conflict",
        _ => "Server Error",
    };
}
