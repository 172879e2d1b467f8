using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Beryl.Media.Stun;

/// <summary>Wire-format pieces shared by <see cref="StunMessage"/> and <see cref="StunMessageWriter"/>.</summary>
internal static class StunWire
{
    public const int HeaderLength = 20;
    public const int AttributeHeaderLength = 4;
    public const uint MagicCookie = 0x2112A442;
    public const uint FingerprintXor = 0x5354554E;
    public const int IntegrityLength = 20;
    public const int FingerprintLength = 4;
    private const int StackCopyLimit = 1024;

    public static ushort EncodeType(StunMessageClass messageClass, ushort method)
    {
        int c = (int)messageClass;
        return (ushort)((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | ((c & 1) << 4) | ((c & 2) << 7));
    }

    public static StunMessageClass DecodeClass(ushort type) => (StunMessageClass)(((type >> 4) & 1) | ((type >> 7) & 2));

    public static ushort DecodeMethod(ushort type) => (ushort)((type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80));

    public static int Padded(int length) => (length + 3) & ~3;

    /// <summary>Value length of an address attribute for <paramref name="family"/>.</summary>
    public static int AddressValueLength(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? 20 : 8;

    /// <summary>Writes a (XOR-)MAPPED-ADDRESS value; <paramref name="header"/> is the message's first 20 bytes, used for the XOR key.</summary>
    public static void WriteAddress(Span<byte> value, IPEndPoint endPoint, bool xor, ReadOnlySpan<byte> header)
    {
        bool v6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        value[0] = 0;
        value[1] = v6 ? (byte)2 : (byte)1;
        ushort port = (ushort)endPoint.Port;
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], xor ? (ushort)(port ^ (MagicCookie >> 16)) : port);
        Span<byte> address = value.Slice(4, v6 ? 16 : 4);
        endPoint.Address.TryWriteBytes(address, out _);
        if (xor)
            XorAddress(address, header);
    }

    /// <summary>Reads a (XOR-)MAPPED-ADDRESS value; false on a bad family or length.</summary>
    public static bool TryReadAddress(ReadOnlySpan<byte> value, bool xor, ReadOnlySpan<byte> header, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (value.Length < 4)
            return false;
        int addressLength = value[1] switch { 1 => 4, 2 => 16, _ => 0 };
        if (addressLength == 0 || value.Length != 4 + addressLength)
            return false;
        ushort port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> address = stackalloc byte[addressLength];
        value.Slice(4, addressLength).CopyTo(address);
        if (xor)
        {
            port ^= (ushort)(MagicCookie >> 16);
            XorAddress(address, header);
        }
        endPoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    // The XOR key is the magic cookie followed by the transaction id: exactly header bytes 4..20.
    private static void XorAddress(Span<byte> address, ReadOnlySpan<byte> header)
    {
        for (int i = 0; i < address.Length; i++)
            address[i] ^= header[4 + i];
    }

    /// <summary>HMAC-SHA1 over <paramref name="prefix"/> as if its length field said <paramref name="adjustedLength"/>.</summary>
    public static void ComputeIntegrity(ReadOnlySpan<byte> prefix, int adjustedLength, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        byte[]? rented = prefix.Length > StackCopyLimit ? ArrayPool<byte>.Shared.Rent(prefix.Length) : null;
        Span<byte> copy = rented is null ? stackalloc byte[StackCopyLimit] : rented;
        copy = copy[..prefix.Length];
        prefix.CopyTo(copy);
        BinaryPrimitives.WriteUInt16BigEndian(copy[2..], (ushort)adjustedLength);
        HMACSHA1.HashData(key, copy, destination);
        if (rented is not null)
            ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>FINGERPRINT value over <paramref name="prefix"/> as if its length field said <paramref name="adjustedLength"/>.</summary>
    public static uint ComputeFingerprint(ReadOnlySpan<byte> prefix, int adjustedLength)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        prefix[..HeaderLength].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)adjustedLength);
        uint state = StunCrc32.Append(StunCrc32.Initial, header);
        state = StunCrc32.Append(state, prefix[HeaderLength..]);
        return StunCrc32.Finish(state) ^ FingerprintXor;
    }
}
