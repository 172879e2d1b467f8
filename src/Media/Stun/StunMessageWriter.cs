using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Beryl.Media.Stun;

/// <summary>
/// Builds a STUN message in a caller-supplied buffer: the header first, then attributes in call order, with
/// the length field kept current so MESSAGE-INTEGRITY and FINGERPRINT can be appended last.
/// </summary>
public ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Starts a message of <paramref name="messageClass"/> and <paramref name="method"/>.</summary>
    /// <exception cref="ArgumentException">The buffer cannot hold a header.</exception>
    public StunMessageWriter(Span<byte> buffer, StunMessageClass messageClass, StunMethod method, StunTransactionId transactionId)
    {
        if (buffer.Length < StunWire.HeaderLength)
            throw new ArgumentException("the buffer cannot hold a STUN header", nameof(buffer));
        _buffer = buffer;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, StunWire.EncodeType(messageClass, (ushort)method));
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunWire.MagicCookie);
        transactionId.WriteTo(buffer[8..]);
        _length = StunWire.HeaderLength;
        SetHeaderLength(_length);
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The message written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    private readonly void SetHeaderLength(int totalLength) =>
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(totalLength - StunWire.HeaderLength));

    // Appends an attribute header and zeroed padding; returns the value area for the caller to fill.
    private Span<byte> Append(ushort type, int valueLength)
    {
        int padded = StunWire.Padded(valueLength);
        if (valueLength > ushort.MaxValue || _buffer.Length - _length < StunWire.AttributeHeaderLength + padded)
            throw new InvalidOperationException($"the STUN buffer ({_buffer.Length} bytes) is too small for attribute 0x{type:x4}");
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_length..], type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_length + 2)..], (ushort)valueLength);
        Span<byte> value = _buffer.Slice(_length + StunWire.AttributeHeaderLength, padded);
        value[valueLength..].Clear();
        _length += StunWire.AttributeHeaderLength + padded;
        SetHeaderLength(_length);
        return value[..valueLength];
    }

    /// <summary>Appends any attribute verbatim.</summary>
    public void AddAttribute(ushort type, ReadOnlySpan<byte> value) => value.CopyTo(Append(type, value.Length));

    /// <summary>Appends XOR-MAPPED-ADDRESS.</summary>
    public void AddXorMappedAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.XorMappedAddress, endPoint, xor: true);

    /// <summary>Appends MAPPED-ADDRESS.</summary>
    public void AddMappedAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.MappedAddress, endPoint, xor: false);

    private void AddAddress(ushort type, IPEndPoint endPoint, bool xor)
    {
        Span<byte> value = Append(type, StunWire.AddressValueLength(endPoint.AddressFamily));
        StunWire.WriteAddress(value, endPoint, xor, _buffer);
    }

    /// <summary>Appends USERNAME (UTF-8).</summary>
    public void AddUsername(ReadOnlySpan<char> username) => AddText(StunAttributeType.Username, username);

    /// <summary>Appends SOFTWARE (UTF-8).</summary>
    public void AddSoftware(ReadOnlySpan<char> software) => AddText(StunAttributeType.Software, software);

    private void AddText(ushort type, ReadOnlySpan<char> text) =>
        Encoding.UTF8.GetBytes(text, Append(type, Encoding.UTF8.GetByteCount(text)));

    /// <summary>Appends PRIORITY.</summary>
    public void AddPriority(uint priority) => BinaryPrimitives.WriteUInt32BigEndian(Append(StunAttributeType.Priority, 4), priority);

    /// <summary>Appends USE-CANDIDATE.</summary>
    public void AddUseCandidate() => Append(StunAttributeType.UseCandidate, 0);

    /// <summary>Appends ICE-CONTROLLING with the agent's tie-breaker.</summary>
    public void AddIceControlling(ulong tieBreaker) => BinaryPrimitives.WriteUInt64BigEndian(Append(StunAttributeType.IceControlling, 8), tieBreaker);

    /// <summary>Appends ICE-CONTROLLED with the agent's tie-breaker.</summary>
    public void AddIceControlled(ulong tieBreaker) => BinaryPrimitives.WriteUInt64BigEndian(Append(StunAttributeType.IceControlled, 8), tieBreaker);

    /// <summary>Appends ERROR-CODE.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="code"/> is not 300-699.</exception>
    public void AddErrorCode(int code, ReadOnlySpan<char> reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 699);
        Span<byte> value = Append(StunAttributeType.ErrorCode, 4 + Encoding.UTF8.GetByteCount(reason));
        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, value[4..]);
    }

    /// <summary>Appends UNKNOWN-ATTRIBUTES.</summary>
    public void AddUnknownAttributes(ReadOnlySpan<ushort> types)
    {
        Span<byte> value = Append(StunAttributeType.UnknownAttributes, types.Length * 2);
        for (int i = 0; i < types.Length; i++)
            BinaryPrimitives.WriteUInt16BigEndian(value[(i * 2)..], types[i]);
    }

    /// <summary>Appends MESSAGE-INTEGRITY (HMAC-SHA1 keyed with <paramref name="key"/>) over everything written so far.</summary>
    public void AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        int protectedLength = _length;
        Span<byte> value = Append(StunAttributeType.MessageIntegrity, StunWire.IntegrityLength);
        StunWire.ComputeIntegrity(_buffer[..protectedLength], _length - StunWire.HeaderLength, key, value);
    }

    /// <summary>Appends FINGERPRINT; nothing may follow it.</summary>
    public void AddFingerprint()
    {
        int protectedLength = _length;
        Span<byte> value = Append(StunAttributeType.Fingerprint, StunWire.FingerprintLength);
        BinaryPrimitives.WriteUInt32BigEndian(value, StunWire.ComputeFingerprint(_buffer[..protectedLength], _length - StunWire.HeaderLength));
    }
}
