using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Beryl.Media.Stun;

/// <summary>
/// A validated, zero-copy view of one STUN message (RFC 8489). Parsing walks the attributes once, checks
/// every length and the fixed sizes of the attributes it understands, and remembers where they are; the
/// accessors then read straight from the datagram.
/// </summary>
public readonly ref struct StunMessage
{
    private readonly ReadOnlySpan<byte> _data;
    // Offsets of attribute values (just past the 4-byte attribute header) or -1 when absent; only the first
    // occurrence counts (RFC 8489 section 14).
    private readonly int _mappedAddress;
    private readonly int _xorMappedAddress;
    private readonly int _username;
    private readonly int _errorCode;
    private readonly int _unknownAttributes;
    private readonly int _priority;
    private readonly int _useCandidate;
    private readonly int _iceControlled;
    private readonly int _iceControlling;
    private readonly int _software;
    // Offsets of the attribute headers, because the protected range ends there.
    private readonly int _integrity;
    private readonly int _fingerprint;
    private readonly int _unknownRequiredCount;

    private StunMessage(ReadOnlySpan<byte> data, scoped ReadOnlySpan<int> offsets, int unknownRequiredCount)
    {
        _data = data;
        _mappedAddress = offsets[0];
        _xorMappedAddress = offsets[1];
        _username = offsets[2];
        _errorCode = offsets[3];
        _unknownAttributes = offsets[4];
        _priority = offsets[5];
        _useCandidate = offsets[6];
        _iceControlled = offsets[7];
        _iceControlling = offsets[8];
        _software = offsets[9];
        _integrity = offsets[10];
        _fingerprint = offsets[11];
        _unknownRequiredCount = unknownRequiredCount;
    }

    /// <summary>
    /// Cheap demultiplexing test (RFC 7983 and RFC 8489 section 6): at least a header, the two top bits
    /// zero, the magic cookie, and a length that is a multiple of 4.
    /// </summary>
    public static bool IsStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= StunWire.HeaderLength
        && (datagram[0] & 0xC0) == 0
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == StunWire.MagicCookie
        && (datagram[3] & 3) == 0;

    /// <summary>Parses one whole datagram; never throws, returns false for anything malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        if (!IsStun(datagram) || StunWire.HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]) != datagram.Length)
            return false;

        Span<int> offsets = stackalloc int[12];
        offsets.Fill(-1);
        int unknownRequired = 0;
        int position = StunWire.HeaderLength;
        while (position < datagram.Length)
        {
            if (datagram.Length - position < StunWire.AttributeHeaderLength)
                return false;
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(datagram[position..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[(position + 2)..]);
            int valueStart = position + StunWire.AttributeHeaderLength;
            if (StunWire.Padded(length) > datagram.Length - valueStart)
                return false;
            // FINGERPRINT must be the last attribute.
            if (offsets[11] >= 0)
                return false;
            if (type == StunAttributeType.Fingerprint)
            {
                if (length != StunWire.FingerprintLength)
                    return false;
                offsets[11] = position;
            }
            else if (offsets[10] < 0) // everything after MESSAGE-INTEGRITY except FINGERPRINT is ignored
            {
                int slot = SlotOf(type);
                if (slot >= 0 && !HasValidLength(type, length))
                    return false;
                if (slot >= 0 && offsets[slot] < 0)
                    offsets[slot] = type == StunAttributeType.MessageIntegrity ? position : valueStart;
                else if (slot < 0 && StunAttributeType.IsComprehensionRequired(type) && !StunAttributeType.IsUnderstood(type))
                    unknownRequired++;
            }
            position = valueStart + StunWire.Padded(length);
        }
        message = new StunMessage(datagram, offsets, unknownRequired);
        return true;
    }

    private static int SlotOf(ushort type) => type switch
    {
        StunAttributeType.MappedAddress => 0,
        StunAttributeType.XorMappedAddress => 1,
        StunAttributeType.Username => 2,
        StunAttributeType.ErrorCode => 3,
        StunAttributeType.UnknownAttributes => 4,
        StunAttributeType.Priority => 5,
        StunAttributeType.UseCandidate => 6,
        StunAttributeType.IceControlled => 7,
        StunAttributeType.IceControlling => 8,
        StunAttributeType.Software => 9,
        StunAttributeType.MessageIntegrity => 10,
        _ => -1,
    };

    private static bool HasValidLength(ushort type, int length) => type switch
    {
        StunAttributeType.MappedAddress or StunAttributeType.XorMappedAddress => length is 8 or 20,
        StunAttributeType.MessageIntegrity => length == StunWire.IntegrityLength,
        StunAttributeType.ErrorCode => length >= 4,
        StunAttributeType.UnknownAttributes => length % 2 == 0,
        StunAttributeType.Priority => length == 4,
        StunAttributeType.UseCandidate => length == 0,
        StunAttributeType.IceControlled or StunAttributeType.IceControlling => length == 8,
        _ => true,
    };

    /// <summary>The whole message as parsed.</summary>
    public ReadOnlySpan<byte> Bytes => _data;

    /// <summary>The message class.</summary>
    public StunMessageClass Class => StunWire.DecodeClass(BinaryPrimitives.ReadUInt16BigEndian(_data));

    /// <summary>The message method (12 bits).</summary>
    public StunMethod Method => (StunMethod)StunWire.DecodeMethod(BinaryPrimitives.ReadUInt16BigEndian(_data));

    /// <summary>The transaction id.</summary>
    public StunTransactionId TransactionId => StunTransactionId.Read(_data[8..]);

    /// <summary>The attributes in wire order, including any the accessors ignore.</summary>
    public StunAttributeEnumerator Attributes => new(_data);

    /// <summary>The first attribute of <paramref name="type"/>; attributes after MESSAGE-INTEGRITY other than FINGERPRINT do not count.</summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        bool afterIntegrity = false;
        foreach (StunAttribute attribute in Attributes)
        {
            if (attribute.Type == type && (!afterIntegrity || type == StunAttributeType.Fingerprint))
            {
                value = attribute.Value;
                return true;
            }
            afterIntegrity |= attribute.Type == StunAttributeType.MessageIntegrity;
        }
        value = default;
        return false;
    }

    private ReadOnlySpan<byte> ValueAt(int offset) =>
        _data.Slice(offset, BinaryPrimitives.ReadUInt16BigEndian(_data[(offset - 2)..]));

    /// <summary>XOR-MAPPED-ADDRESS, if present and well-formed.</summary>
    public bool TryGetXorMappedAddress(out IPEndPoint endPoint)
    {
        endPoint = null!;
        return _xorMappedAddress >= 0 && StunWire.TryReadAddress(ValueAt(_xorMappedAddress), xor: true, _data, out endPoint);
    }

    /// <summary>MAPPED-ADDRESS, if present and well-formed.</summary>
    public bool TryGetMappedAddress(out IPEndPoint endPoint)
    {
        endPoint = null!;
        return _mappedAddress >= 0 && StunWire.TryReadAddress(ValueAt(_mappedAddress), xor: false, _data, out endPoint);
    }

    /// <summary>Whether USERNAME is present.</summary>
    public bool HasUsername => _username >= 0;

    /// <summary>The raw USERNAME value (UTF-8), empty when absent.</summary>
    public ReadOnlySpan<byte> UsernameBytes => _username >= 0 ? ValueAt(_username) : default;

    /// <summary>USERNAME decoded, or null when absent.</summary>
    public string? Username => _username >= 0 ? Encoding.UTF8.GetString(ValueAt(_username)) : null;

    /// <summary>SOFTWARE decoded, or null when absent.</summary>
    public string? Software => _software >= 0 ? Encoding.UTF8.GetString(ValueAt(_software)) : null;

    /// <summary>PRIORITY, if present.</summary>
    public bool TryGetPriority(out uint priority)
    {
        priority = _priority >= 0 ? BinaryPrimitives.ReadUInt32BigEndian(_data[_priority..]) : 0;
        return _priority >= 0;
    }

    /// <summary>Whether USE-CANDIDATE is present.</summary>
    public bool HasUseCandidate => _useCandidate >= 0;

    /// <summary>ICE-CONTROLLING's tie-breaker, if present.</summary>
    public bool TryGetIceControlling(out ulong tieBreaker) => TryReadTieBreaker(_iceControlling, out tieBreaker);

    /// <summary>ICE-CONTROLLED's tie-breaker, if present.</summary>
    public bool TryGetIceControlled(out ulong tieBreaker) => TryReadTieBreaker(_iceControlled, out tieBreaker);

    private bool TryReadTieBreaker(int offset, out ulong tieBreaker)
    {
        tieBreaker = offset >= 0 ? BinaryPrimitives.ReadUInt64BigEndian(_data[offset..]) : 0;
        return offset >= 0;
    }

    /// <summary>ERROR-CODE as a number (300-699) and its reason phrase, if present and well-formed.</summary>
    public bool TryGetErrorCode(out int code, out string reason)
    {
        code = 0;
        reason = string.Empty;
        if (_errorCode < 0)
            return false;
        ReadOnlySpan<byte> value = ValueAt(_errorCode);
        int errorClass = value[2] & 0x07;
        int number = value[3];
        if (errorClass < 3 || number > 99)
            return false;
        code = errorClass * 100 + number;
        reason = Encoding.UTF8.GetString(value[4..]);
        return true;
    }

    /// <summary>How many attribute types UNKNOWN-ATTRIBUTES lists (0 when absent).</summary>
    public int UnknownAttributesCount => _unknownAttributes >= 0 ? ValueAt(_unknownAttributes).Length / 2 : 0;

    /// <summary>The <paramref name="index"/>th type listed in UNKNOWN-ATTRIBUTES.</summary>
    public ushort GetUnknownAttribute(int index) => BinaryPrimitives.ReadUInt16BigEndian(ValueAt(_unknownAttributes)[(index * 2)..]);

    /// <summary>
    /// How many comprehension-required attributes (type below 0x8000) this stack does not understand; a
    /// server answers a request that has any with 420 listing them (<see cref="CopyUnknownRequiredAttributes"/>).
    /// </summary>
    public int UnknownRequiredAttributeCount => _unknownRequiredCount;

    /// <summary>Copies up to <c>destination.Length</c> unknown comprehension-required types; returns how many.</summary>
    public int CopyUnknownRequiredAttributes(Span<ushort> destination)
    {
        int count = 0;
        foreach (StunAttribute attribute in Attributes)
        {
            if (attribute.Type == StunAttributeType.MessageIntegrity || count == destination.Length)
                break;
            if (StunAttributeType.IsComprehensionRequired(attribute.Type) && !StunAttributeType.IsUnderstood(attribute.Type)
                && !destination[..count].Contains(attribute.Type))
                destination[count++] = attribute.Type;
        }
        return count;
    }

    /// <summary>Whether MESSAGE-INTEGRITY is present.</summary>
    public bool HasMessageIntegrity => _integrity >= 0;

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 section 14.5) with <paramref name="key"/>: for short-term
    /// credentials the password's UTF-8 bytes, for long-term ones MD5(username:realm:password).
    /// </summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrity < 0)
            return false;
        Span<byte> expected = stackalloc byte[StunWire.IntegrityLength];
        int adjustedLength = _integrity + StunWire.AttributeHeaderLength + StunWire.IntegrityLength - StunWire.HeaderLength;
        StunWire.ComputeIntegrity(_data[.._integrity], adjustedLength, key, expected);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            expected, _data.Slice(_integrity + StunWire.AttributeHeaderLength, StunWire.IntegrityLength));
    }

    /// <summary>Whether FINGERPRINT is present.</summary>
    public bool HasFingerprint => _fingerprint >= 0;

    /// <summary>Whether FINGERPRINT is present and matches the CRC-32 of the message.</summary>
    public bool HasValidFingerprint =>
        _fingerprint >= 0
        && BinaryPrimitives.ReadUInt32BigEndian(_data[(_fingerprint + StunWire.AttributeHeaderLength)..])
            == StunWire.ComputeFingerprint(_data[.._fingerprint], _data.Length - StunWire.HeaderLength);
}
