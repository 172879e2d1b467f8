using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Beryl.Media.Stun;

/// <summary>The 96-bit STUN transaction id, as a value usable as a dictionary key.</summary>
public readonly struct StunTransactionId : IEquatable<StunTransactionId>
{
    /// <summary>The length of a transaction id on the wire.</summary>
    public const int Length = 12;

    private readonly ulong _high;
    private readonly uint _low;

    private StunTransactionId(ulong high, uint low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>A cryptographically random id (RFC 8489 requires ids to be unpredictable).</summary>
    public static StunTransactionId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return Read(bytes);
    }

    /// <summary>Reads an id from the first 12 bytes of <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 12 bytes.</exception>
    public static StunTransactionId Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Length)
            throw new ArgumentException("a STUN transaction id is 12 bytes", nameof(bytes));
        return new StunTransactionId(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]));
    }

    /// <summary>Writes the id into the first 12 bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..Length], _low);
    }

    /// <inheritdoc/>
    public bool Equals(StunTransactionId other) => _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StunTransactionId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>Hexadecimal, as packet captures show it.</summary>
    public override string ToString() => $"{_high:x16}{_low:x8}";

    /// <summary>Equality.</summary>
    public static bool operator ==(StunTransactionId left, StunTransactionId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(StunTransactionId left, StunTransactionId right) => !left.Equals(right);
}
