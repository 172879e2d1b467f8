using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Beryl.Media.Dtls;

/// <summary>Hash functions allowed in an SDP <c>a=fingerprint</c> attribute (RFC 8122 section 5).</summary>
public enum DtlsFingerprintAlgorithm
{
    /// <summary><c>sha-1</c>: accepted from old peers, never produced.</summary>
    Sha1,

    /// <summary><c>sha-256</c>: what Beryl signals and what browsers use.</summary>
    Sha256,

    /// <summary><c>sha-384</c>.</summary>
    Sha384,

    /// <summary><c>sha-512</c>.</summary>
    Sha512,
}

/// <summary>
/// A certificate fingerprint as signalled in SDP (RFC 8122): a hash algorithm and the digest of the DER certificate.
/// Immutable.
/// </summary>
public sealed class DtlsFingerprint : IEquatable<DtlsFingerprint>
{
    // "sha-512 " plus 64 "XX:" groups; anything longer is not a fingerprint and is refused before any work.
    private const int MaxTextLength = 256;

    private readonly byte[] _digest;

    /// <summary>Creates a fingerprint from a digest whose length matches <paramref name="algorithm"/>.</summary>
    /// <exception cref="ArgumentException">The digest length does not match the algorithm.</exception>
    public DtlsFingerprint(DtlsFingerprintAlgorithm algorithm, ReadOnlySpan<byte> digest)
    {
        if (digest.Length != DigestLength(algorithm))
            throw new ArgumentException($"{AlgorithmName(algorithm)} needs a {DigestLength(algorithm)}-byte digest, got {digest.Length}", nameof(digest));
        Algorithm = algorithm;
        _digest = digest.ToArray();
    }

    /// <summary>The hash algorithm.</summary>
    public DtlsFingerprintAlgorithm Algorithm { get; }

    /// <summary>The digest of the DER-encoded certificate.</summary>
    public ReadOnlyMemory<byte> Digest => _digest;

    /// <summary>Fingerprints a DER-encoded certificate.</summary>
    public static DtlsFingerprint Compute(DtlsFingerprintAlgorithm algorithm, ReadOnlySpan<byte> derCertificate)
    {
        Span<byte> digest = stackalloc byte[SHA512.HashSizeInBytes];
        int length = Hash(algorithm, derCertificate, digest);
        return new DtlsFingerprint(algorithm, digest[..length]);
    }

    /// <summary>
    /// Parses the value of an SDP <c>a=fingerprint</c> attribute, e.g. <c>sha-256 AB:CD:…</c>: a hash name
    /// (case-insensitive), white space, then the digest as colon-separated two-digit hex bytes (either case).
    /// Never throws.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        if (value is null || value.Length > MaxTextLength)
            return false;
        ReadOnlySpan<char> text = value.AsSpan().Trim();
        int space = text.IndexOfAny(' ', '\t');
        if (space < 0 || !TryParseAlgorithm(text[..space], out var algorithm))
            return false;
        ReadOnlySpan<char> hex = text[space..].TrimStart(" \t");
        int length = DigestLength(algorithm);
        if (hex.Length != length * 3 - 1)
            return false;
        Span<byte> digest = stackalloc byte[length];
        for (int i = 0; i < length; i++)
        {
            int at = i * 3;
            if (i > 0 && hex[at - 1] != ':')
                return false;
            int high = HexValue(hex[at]), low = HexValue(hex[at + 1]);
            if ((high | low) < 0)
                return false;
            digest[i] = (byte)(high << 4 | low);
        }
        fingerprint = new DtlsFingerprint(algorithm, digest);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="derCertificate"/> hashes to this fingerprint under <see cref="Algorithm"/>; the digest
    /// comparison is constant-time.
    /// </summary>
    public bool Matches(ReadOnlySpan<byte> derCertificate)
    {
        Span<byte> digest = stackalloc byte[SHA512.HashSizeInBytes];
        int length = Hash(Algorithm, derCertificate, digest);
        return CryptographicOperations.FixedTimeEquals(digest[..length], _digest);
    }

    /// <summary>The SDP form: lower-case hash name, a space, upper-case colon-separated hex (<c>sha-256 AB:CD:…</c>).</summary>
    public override string ToString()
    {
        string name = AlgorithmName(Algorithm);
        return string.Create(name.Length + 1 + _digest.Length * 3 - 1, this, static (chars, self) =>
        {
            string name = AlgorithmName(self.Algorithm);
            name.CopyTo(chars);
            chars[name.Length] = ' ';
            Span<char> hex = chars[(name.Length + 1)..];
            for (int i = 0; i < self._digest.Length; i++)
            {
                if (i > 0)
                    hex[i * 3 - 1] = ':';
                hex[i * 3] = HexDigit(self._digest[i] >> 4);
                hex[i * 3 + 1] = HexDigit(self._digest[i] & 0xF);
            }
        });
    }

    /// <inheritdoc/>
    public bool Equals(DtlsFingerprint? other) =>
        other is not null && other.Algorithm == Algorithm && other._digest.AsSpan().SequenceEqual(_digest);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DtlsFingerprint);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Algorithm);
        hash.AddBytes(_digest);
        return hash.ToHashCode();
    }

    /// <summary>The RFC 8122 hash name (<c>sha-256</c> …).</summary>
    public static string AlgorithmName(DtlsFingerprintAlgorithm algorithm) => algorithm switch
    {
        DtlsFingerprintAlgorithm.Sha1 => "sha-1",
        DtlsFingerprintAlgorithm.Sha256 => "sha-256",
        DtlsFingerprintAlgorithm.Sha384 => "sha-384",
        DtlsFingerprintAlgorithm.Sha512 => "sha-512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown fingerprint algorithm"),
    };

    private static int DigestLength(DtlsFingerprintAlgorithm algorithm) => algorithm switch
    {
        DtlsFingerprintAlgorithm.Sha1 => SHA1.HashSizeInBytes,
        DtlsFingerprintAlgorithm.Sha256 => SHA256.HashSizeInBytes,
        DtlsFingerprintAlgorithm.Sha384 => SHA384.HashSizeInBytes,
        DtlsFingerprintAlgorithm.Sha512 => SHA512.HashSizeInBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown fingerprint algorithm"),
    };

    private static int Hash(DtlsFingerprintAlgorithm algorithm, ReadOnlySpan<byte> data, Span<byte> digest) => algorithm switch
    {
        DtlsFingerprintAlgorithm.Sha1 => SHA1.HashData(data, digest),
        DtlsFingerprintAlgorithm.Sha256 => SHA256.HashData(data, digest),
        DtlsFingerprintAlgorithm.Sha384 => SHA384.HashData(data, digest),
        DtlsFingerprintAlgorithm.Sha512 => SHA512.HashData(data, digest),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown fingerprint algorithm"),
    };

    private static bool TryParseAlgorithm(ReadOnlySpan<char> name, out DtlsFingerprintAlgorithm algorithm)
    {
        foreach (var candidate in Enum.GetValues<DtlsFingerprintAlgorithm>())
        {
            if (name.Equals(AlgorithmName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }
        algorithm = default;
        return false;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
