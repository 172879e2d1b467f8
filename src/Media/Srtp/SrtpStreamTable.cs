namespace Beryl.Media.Srtp;

/// <summary>Per-SSRC state of one direction: RTP rollover counter and highest sequence, SRTCP index, replay windows.</summary>
internal struct SrtpStream
{
    public uint Ssrc;

    /// <summary>Whether an RTP packet has set <see cref="RolloverCounter"/> and <see cref="HighestSequence"/>.</summary>
    public bool RtpStarted;

    public uint RolloverCounter;

    public ushort HighestSequence;

    /// <summary>Index the next protected SRTCP packet gets.</summary>
    public uint NextRtcpIndex;

    public ReplayWindow RtpReplay;

    public ReplayWindow RtcpReplay;

    /// <summary>ROC || SEQ of the highest RTP packet so far.</summary>
    public readonly ulong HighestIndex => ((ulong)RolloverCounter << 16) | HighestSequence;
}

/// <summary>
/// A fixed number of <see cref="SrtpStream"/> slots, all allocated up front; a context never tracks more
/// streams than that, so a flood of forged SSRCs cannot grow it.
/// </summary>
internal sealed class SrtpStreamTable
{
    private readonly SrtpStream[] _streams;
    private int _count;
    private int _last;

    public SrtpStreamTable(int capacity) => _streams = new SrtpStream[capacity];

    public int Count => _count;

    public bool IsFull => _count == _streams.Length;

    public ref SrtpStream this[int slot] => ref _streams[slot];

    /// <summary>The slot of <paramref name="ssrc"/>, or -1.</summary>
    public int IndexOf(uint ssrc)
    {
        // Packets come in runs of one SSRC; the linear scan over at most a few dozen slots is the rare path.
        if (_last < _count && _streams[_last].Ssrc == ssrc)
            return _last;
        for (int i = 0; i < _count; i++)
        {
            if (_streams[i].Ssrc == ssrc)
                return _last = i;
        }

        return -1;
    }

    /// <summary>Takes a fresh slot for <paramref name="ssrc"/>, or returns -1 when the table is full.</summary>
    public int Add(uint ssrc)
    {
        if (IsFull)
            return -1;
        _streams[_count] = new SrtpStream { Ssrc = ssrc };
        return _last = _count++;
    }
}
