using System.Globalization;

namespace Beryl.Media.Sdp;

/// <summary>Small lexical helpers shared by the SDP types.</summary>
internal static class SdpText
{
    /// <summary>A decimal in <paramref name="min"/>..<paramref name="max"/>, digits only (no sign, no spaces), at most 10 digits.</summary>
    public static bool TryParseInt(ReadOnlySpan<char> text, int min, int max, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 10)
            return false;
        foreach (char c in text)
        {
            if (c is < '0' or > '9')
                return false;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long wide) || wide < min || wide > max)
            return false;
        value = (int)wide;
        return true;
    }

    /// <summary>Digits only, 1..64 of them (session ids and versions).</summary>
    public static bool IsDigits(string text) => text.Length is > 0 and <= 64 && text.All(char.IsAsciiDigit);

    /// <summary>RFC 8866 token: visible ASCII except the separators it excludes.</summary>
    public static bool IsToken(string text)
    {
        if (text.Length == 0)
            return false;
        foreach (char c in text)
        {
            if (c is <= ' ' or >= (char)0x7F or '"' or '(' or ')' or ',' or '/' or ':' or ';' or '<' or '=' or '>' or '?' or '@' or '[' or '\\' or ']' or '{' or '}')
                return false;
        }

        return true;
    }

    private static readonly (string Text, SdpDirection Value)[] Directions =
        [("sendrecv", SdpDirection.SendRecv), ("sendonly", SdpDirection.SendOnly), ("recvonly", SdpDirection.RecvOnly), ("inactive", SdpDirection.Inactive)];

    private static readonly (string Text, SdpSetupRole Value)[] SetupRoles =
        [("actpass", SdpSetupRole.ActPass), ("active", SdpSetupRole.Active), ("passive", SdpSetupRole.Passive), ("holdconn", SdpSetupRole.HoldConn)];

    public static bool TryParseDirection(string? text, out SdpDirection direction) => TryParseKeyword(Directions, text, out direction);

    public static string ToText(SdpDirection direction) => ToKeyword(Directions, direction);

    public static bool TryParseSetup(string? text, out SdpSetupRole role) => TryParseKeyword(SetupRoles, text, out role);

    public static string ToText(SdpSetupRole role) => ToKeyword(SetupRoles, role);

    private static bool TryParseKeyword<T>((string Text, T Value)[] keywords, string? text, out T value)
    {
        foreach (var keyword in keywords)
        {
            if (keyword.Text == text)
            {
                value = keyword.Value;
                return true;
            }
        }

        value = keywords[0].Value;
        return false;
    }

    private static string ToKeyword<T>((string Text, T Value)[] keywords, T value) =>
        keywords.First(k => EqualityComparer<T>.Default.Equals(k.Value, value)).Text;
}
