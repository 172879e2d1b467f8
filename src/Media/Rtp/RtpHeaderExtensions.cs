namespace Beryl.Media.Rtp;

/// <summary>RFC 8285 header extension elements: profiles and lookup.</summary>
public static class RtpHeaderExtensions
{
    /// <summary>Profile of the one-byte element form (ids 1..14, 1..16 data bytes).</summary>
    public const ushort OneByteProfile = 0xBEDE;

    /// <summary>Profile of the two-byte element form (ids 1..255, 0..255 data bytes); the low 4 bits are application bits.</summary>
    public const ushort TwoByteProfile = 0x1000;

    /// <summary>Whether <paramref name="profile"/> is one of the RFC 8285 element forms.</summary>
    public static bool IsElementProfile(ushort profile) => profile == OneByteProfile || IsTwoByte(profile);

    internal static bool IsTwoByte(ushort profile) => (profile & 0xFFF0) == TwoByteProfile;

    /// <summary>Finds element <paramref name="id"/> in extension <paramref name="data"/>; never throws.</summary>
    /// <returns>false when absent, when the profile is not an RFC 8285 form, or when the elements are malformed before it.</returns>
    public static bool TryFind(ushort profile, ReadOnlySpan<byte> data, int id, out ReadOnlySpan<byte> value)
    {
        var reader = new RtpHeaderExtensionReader(profile, data);
        while (reader.TryReadNext(out int elementId, out value))
        {
            if (elementId == id)
                return true;
        }

        value = default;
        return false;
    }
}

/// <summary>Walks the RFC 8285 elements of one header extension without allocating; never throws.</summary>
public ref struct RtpHeaderExtensionReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _twoByte;
    private int _position;

    /// <summary>Reads <paramref name="data"/> (the extension data after profile and length) in the form <paramref name="profile"/> names.</summary>
    public RtpHeaderExtensionReader(ushort profile, ReadOnlySpan<byte> data)
    {
        _data = data;
        _twoByte = RtpHeaderExtensions.IsTwoByte(profile);
        // An unknown profile has no elements we could read.
        _position = RtpHeaderExtensions.IsElementProfile(profile) ? 0 : data.Length;
    }

    /// <summary>Whether reading stopped at an element that overruns the extension.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>The next element.</summary>
    /// <returns>false at the end, and on a malformed element (see <see cref="IsMalformed"/>).</returns>
    public bool TryReadNext(out int id, out ReadOnlySpan<byte> value)
    {
        id = 0;
        value = default;
        while (_position < _data.Length && _data[_position] == 0)
            _position++; // padding between elements
        if (_position >= _data.Length)
            return false;

        int length, headerLength;
        if (_twoByte)
        {
            if (_position + 2 > _data.Length)
                return Malformed();
            id = _data[_position];
            length = _data[_position + 1];
            headerLength = 2;
        }
        else
        {
            id = _data[_position] >> 4;
            if (id == 15)
            {
                // Reserved id: the rest of the extension must not be read (RFC 8285 section 4.2).
                _position = _data.Length;
                id = 0;
                return false;
            }

            length = (_data[_position] & 0x0F) + 1;
            headerLength = 1;
        }

        if (length > _data.Length - _position - headerLength)
        {
            id = 0;
            return Malformed();
        }

        value = _data.Slice(_position + headerLength, length);
        _position += headerLength + length;
        return true;
    }

    private bool Malformed()
    {
        IsMalformed = true;
        _position = _data.Length;
        return false;
    }
}

/// <summary>Builds RFC 8285 elements into a caller buffer, padded to 32 bits for <see cref="RtpHeader.Write"/>.</summary>
public ref struct RtpHeaderExtensionWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Writes into <paramref name="buffer"/>; <paramref name="twoByte"/> picks the two-byte element form.</summary>
    public RtpHeaderExtensionWriter(Span<byte> buffer, bool twoByte = false)
    {
        _buffer = buffer;
        Profile = twoByte ? RtpHeaderExtensions.TwoByteProfile : RtpHeaderExtensions.OneByteProfile;
    }

    /// <summary>The profile to give <see cref="RtpHeader.WithExtension"/>.</summary>
    public ushort Profile { get; }

    /// <summary>Appends element <paramref name="id"/> with <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The id or length does not fit the form, or the buffer is full.</exception>
    public void Add(int id, scoped ReadOnlySpan<byte> value)
    {
        bool twoByte = RtpHeaderExtensions.IsTwoByte(Profile);
        int maxId = twoByte ? 255 : 14;
        int minLength = twoByte ? 0 : 1;
        int maxLength = twoByte ? 255 : 16;
        if (id < 1 || id > maxId)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"element ids are 1..{maxId} in this form");
        if (value.Length < minLength || value.Length > maxLength)
            throw new ArgumentException($"element data is {minLength}..{maxLength} bytes in this form, got {value.Length}", nameof(value));
        int headerLength = twoByte ? 2 : 1;
        if (_buffer.Length - _length < headerLength + value.Length)
            throw new ArgumentException("the extension buffer is full", nameof(value));

        if (twoByte)
        {
            _buffer[_length] = (byte)id;
            _buffer[_length + 1] = (byte)value.Length;
        }
        else
        {
            _buffer[_length] = (byte)(id << 4 | (value.Length - 1));
        }

        value.CopyTo(_buffer[(_length + headerLength)..]);
        _length += headerLength + value.Length;
    }

    /// <summary>Pads with zero bytes to a multiple of 4 and returns the extension data.</summary>
    /// <exception cref="ArgumentException">The buffer has no room for the padding.</exception>
    public readonly ReadOnlySpan<byte> Complete()
    {
        int padded = (_length + 3) & ~3;
        if (padded > _buffer.Length)
            throw new ArgumentException("the extension buffer has no room for padding");
        _buffer[_length..padded].Clear();
        return _buffer[..padded];
    }
}
