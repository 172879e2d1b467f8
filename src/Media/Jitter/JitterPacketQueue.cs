using System.Runtime.InteropServices;

namespace Beryl.Media.Jitter;

/// <summary>The RTP fields the playout thread needs, copied with the payload into a queue slot.</summary>
internal readonly record struct QueuedPacket(ushort SequenceNumber, uint Timestamp, uint Ssrc, byte PayloadType, int Length, long ArrivalMicroseconds);

/// <summary>
/// Lock-free single-producer/single-consumer queue of RTP packets in fixed-size slots: the network thread copies
/// each payload in, the playout thread reads it in place and releases the slot. No allocation after construction.
/// </summary>
internal sealed class JitterPacketQueue
{
    private readonly byte[] _payloads;
    private readonly QueuedPacket[] _packets;
    private readonly int _slots;
    private readonly int _slotBytes;
    private PaddedCounter _head; // next slot the producer writes; written by the producer only
    private PaddedCounter _tail; // next slot the consumer reads; written by the consumer only

    public JitterPacketQueue(int slots, int slotBytes)
    {
        _slots = slots;
        _slotBytes = slotBytes;
        _payloads = new byte[slots * slotBytes];
        _packets = new QueuedPacket[slots];
    }

    /// <summary>Packets written and not yet released (exact when both threads are idle).</summary>
    public int Count
    {
        get
        {
            // The consumer's index first: the producer's, read after it, can only have moved on, so the difference is
            // never negative; it can overstate by what the consumer took meanwhile, hence the clamp.
            long tail = Volatile.Read(ref _tail.Value);
            return (int)Math.Clamp(Volatile.Read(ref _head.Value) - tail, 0, _slots);
        }
    }

    /// <summary>Producer side: copies the packet into a free slot, or returns false when the queue is full.</summary>
    public bool TryWrite(ushort sequenceNumber, uint timestamp, uint ssrc, byte payloadType, ReadOnlySpan<byte> payload, long arrivalMicroseconds)
    {
        long head = _head.Value;
        if (head - Volatile.Read(ref _tail.Value) >= _slots)
            return false;
        int slot = (int)(head % _slots);
        payload.CopyTo(_payloads.AsSpan(slot * _slotBytes, _slotBytes));
        _packets[slot] = new QueuedPacket(sequenceNumber, timestamp, ssrc, payloadType, payload.Length, arrivalMicroseconds);
        Volatile.Write(ref _head.Value, head + 1);
        return true;
    }

    /// <summary>Consumer side: the oldest packet and its payload, without releasing it.</summary>
    public bool TryPeek(out QueuedPacket packet, out ReadOnlySpan<byte> payload)
    {
        long tail = _tail.Value;
        if (tail >= Volatile.Read(ref _head.Value))
        {
            packet = default;
            payload = default;
            return false;
        }
        int slot = (int)(tail % _slots);
        packet = _packets[slot];
        payload = _payloads.AsSpan(slot * _slotBytes, packet.Length);
        return true;
    }

    /// <summary>Consumer side: releases the slot returned by <see cref="TryPeek"/>.</summary>
    public void Advance() => Volatile.Write(ref _tail.Value, _tail.Value + 1);

    // Head and tail are written by different cores; a cache line each keeps them from invalidating each other.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedCounter
    {
        [FieldOffset(64)] public long Value;
    }
}
