using System.Security.Cryptography;

namespace Beryl.Media.Ice;

/// <summary>Random ICE credentials (RFC 8445 section 5.3): ice-chars, more than the 24 and 128 bits of randomness required.</summary>
public static class IceCredentials
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>A new username fragment of 8 ice-chars (48 bits).</summary>
    public static string NewUsernameFragment() => Random(8);

    /// <summary>A new password of 24 ice-chars (144 bits).</summary>
    public static string NewPassword() => Random(24);

    private static string Random(int length) => new(RandomNumberGenerator.GetItems<char>(IceChars, length));
}
