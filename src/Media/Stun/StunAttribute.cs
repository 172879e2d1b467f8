using System.Buffers.Binary;

namespace Beryl.Media.Stun;

/// <summary>One attribute of a parsed <see cref="StunMessage"/>: its type and unpadded value.</summary>
public readonly ref struct StunAttribute
{
    internal StunAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The attribute type (see <see cref="StunAttributeType"/>).</summary>
    public ushort Type { get; }

    /// <summary>The value, without padding.</summary>
    public ReadOnlySpan<byte> Value { get; }
}

/// <summary>Walks the attributes of a message already validated by <see cref="StunMessage.TryParse"/>.</summary>
public ref struct StunAttributeEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private int _next;

    internal StunAttributeEnumerator(ReadOnlySpan<byte> data)
    {
        _data = data;
        _next = data.IsEmpty ? 0 : StunWire.HeaderLength;
        Current = default;
    }

    /// <summary>The attribute at the current position.</summary>
    public StunAttribute Current { get; private set; }

    /// <summary>Enables <c>foreach</c>.</summary>
    public readonly StunAttributeEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next attribute.</summary>
    public bool MoveNext()
    {
        if (_next + StunWire.AttributeHeaderLength > _data.Length)
            return false;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(_data[_next..]);
        int length = BinaryPrimitives.ReadUInt16BigEndian(_data[(_next + 2)..]);
        Current = new StunAttribute(type, _data.Slice(_next + StunWire.AttributeHeaderLength, length));
        _next += StunWire.AttributeHeaderLength + StunWire.Padded(length);
        return true;
    }
}
