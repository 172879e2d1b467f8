namespace Beryl.Media.Jitter;

/// <summary>
/// The packets waiting for playout, indexed by extended sequence number modulo the capacity, so lookup,
/// duplicate detection and removal are O(1) and the storage never grows. Playout thread only.
/// </summary>
internal sealed class JitterPacketStore
{
    private const long Empty = long.MinValue;

    private readonly byte[] _payloads;
    private readonly int[] _lengths;
    private readonly long[] _sequences;
    private readonly long[] _timestamps;
    private readonly int[] _frames;
    private readonly int _slotBytes;

    public JitterPacketStore(int capacity, int slotBytes)
    {
        Capacity = capacity;
        _slotBytes = slotBytes;
        _payloads = new byte[capacity * slotBytes];
        _lengths = new int[capacity];
        _sequences = new long[capacity];
        _timestamps = new long[capacity];
        _frames = new int[capacity];
        Clear();
    }

    /// <summary>Slots; a packet more than this many sequence numbers ahead of playout cannot be held.</summary>
    public int Capacity { get; }

    /// <summary>Packets held.</summary>
    public int Count { get; private set; }

    /// <summary>Stores a packet; false when a packet with the same sequence number is already held (a duplicate).</summary>
    /// <remarks>The caller keeps <paramref name="sequence"/> within <see cref="Capacity"/> of the lowest held one.</remarks>
    public bool TryAdd(long sequence, long timestamp, int frames, ReadOnlySpan<byte> payload)
    {
        int slot = SlotOf(sequence);
        if (_sequences[slot] == sequence)
            return false;
        payload.CopyTo(_payloads.AsSpan(slot * _slotBytes, _slotBytes));
        _lengths[slot] = payload.Length;
        _sequences[slot] = sequence;
        _timestamps[slot] = timestamp;
        _frames[slot] = frames;
        Count++;
        return true;
    }

    /// <summary>The packet with <paramref name="sequence"/>, if held.</summary>
    public bool TryGet(long sequence, out long timestamp, out int frames, out ReadOnlySpan<byte> payload)
    {
        int slot = SlotOf(sequence);
        if (_sequences[slot] != sequence)
        {
            timestamp = 0;
            frames = 0;
            payload = default;
            return false;
        }
        timestamp = _timestamps[slot];
        frames = _frames[slot];
        payload = _payloads.AsSpan(slot * _slotBytes, _lengths[slot]);
        return true;
    }

    /// <summary>Forgets the packet with <paramref name="sequence"/> (nothing happens if it is not held).</summary>
    public void Remove(long sequence)
    {
        int slot = SlotOf(sequence);
        if (_sequences[slot] != sequence)
            return;
        _sequences[slot] = Empty;
        Count--;
    }

    /// <summary>The lowest held sequence number at or after <paramref name="from"/>, if any.</summary>
    public bool TryFindFirst(long from, out long sequence)
    {
        sequence = long.MaxValue;
        if (Count == 0)
            return false;
        foreach (long s in _sequences)
        {
            if (s >= from && s < sequence)
                sequence = s;
        }
        return sequence != long.MaxValue;
    }

    /// <summary>The highest held sequence number and the end of its audio (timestamp plus duration in clock units).</summary>
    public bool TryGetNewest(out long sequence, out long timestamp, out int frames)
    {
        sequence = Empty;
        timestamp = 0;
        frames = 0;
        for (int slot = 0; slot < _sequences.Length; slot++)
        {
            if (_sequences[slot] > sequence)
            {
                sequence = _sequences[slot];
                timestamp = _timestamps[slot];
                frames = _frames[slot];
            }
        }
        return sequence != Empty;
    }

    /// <summary>Forgets every packet and returns how many were held.</summary>
    public int Clear()
    {
        int held = Count;
        Array.Fill(_sequences, Empty);
        Count = 0;
        return held;
    }

    private int SlotOf(long sequence) => (int)((ulong)sequence % (ulong)Capacity);
}
