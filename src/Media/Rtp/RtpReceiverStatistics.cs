namespace Beryl.Media.Rtp;

/// <summary>
/// Reception statistics for one remote SSRC: RFC 3550 appendix A.1 sequence validation (a new source is on
/// probation until two packets arrive in sequence; jumps beyond MAX_DROPOUT are ignored unless the next packet
/// confirms them), A.3 loss accounting, A.8 interarrival jitter, the report block our RR/SR sends about the
/// source, and the round-trip time read from the source's own report blocks about us. Not thread-safe; no
/// method allocates.
/// </summary>
public sealed class RtpReceiverStatistics
{
    /// <summary>Largest forward jump taken as loss rather than a restart (A.1).</summary>
    public const int MaxDropout = 3000;

    /// <summary>Largest backward step taken as reordering rather than a restart (A.1).</summary>
    public const int MaxMisorder = 100;

    /// <summary>Packets in sequence that end a source's probation (A.1).</summary>
    public const int MinSequential = 2;

    private const int SequenceModulus = 1 << 16;

    private bool _started;
    private int _probation;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private uint _badSequence;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;

    private bool _hasTransit;
    private int _lastTransit;
    private double _jitter;

    private uint _lastSenderReport;
    private ulong _lastSenderReportArrival;

    /// <summary>Statistics for the source <paramref name="ssrc"/>.</summary>
    public RtpReceiverStatistics(uint ssrc) => Ssrc = ssrc;

    /// <summary>The remote source.</summary>
    public uint Ssrc { get; }

    /// <summary>Whether the source has passed probation.</summary>
    public bool IsValid => _started && _probation == 0;

    /// <summary>Packets counted since the source became valid (duplicates and late packets included, as A.3 counts them).</summary>
    public long PacketsReceived => _received;

    /// <summary>Packets not counted: during probation, or on an unconfirmed sequence jump.</summary>
    public long PacketsDiscarded { get; private set; }

    /// <summary>Sequence number cycles in the high 16 bits, highest sequence number in the low 16.</summary>
    public uint ExtendedHighestSequenceNumber => _cycles + _maxSequence;

    /// <summary>Packets expected since the source became valid.</summary>
    public long PacketsExpected => IsValid ? (long)ExtendedHighestSequenceNumber - _baseSequence + 1 : 0;

    /// <summary>Expected minus received: negative when duplicates outnumber losses.</summary>
    public long CumulativeLost => PacketsExpected - _received;

    /// <summary>Interarrival jitter in RTP timestamp units (A.8).</summary>
    public double Jitter => _jitter;

    /// <summary>The last round-trip time measured from a report block about our stream; null until one arrives.</summary>
    public TimeSpan? RoundTripTime { get; private set; }

    /// <summary>Accounts one RTP packet from this source.</summary>
    /// <param name="sequenceNumber">The packet's sequence number.</param>
    /// <param name="rtpTimestamp">The packet's RTP timestamp.</param>
    /// <param name="arrivalRtpTime">The arrival time converted to the same RTP clock (any fixed origin).</param>
    /// <returns>Whether the packet counts as received (false during probation or on an unconfirmed jump).</returns>
    public bool OnPacket(ushort sequenceNumber, uint rtpTimestamp, uint arrivalRtpTime)
    {
        if (!_started)
        {
            _started = true;
            Restart(sequenceNumber);
            _maxSequence = (ushort)(sequenceNumber - 1);
            _probation = MinSequential;
        }

        if (!UpdateSequence(sequenceNumber))
        {
            PacketsDiscarded++;
            return false;
        }

        UpdateJitter(rtpTimestamp, arrivalRtpTime);
        return true;
    }

    /// <summary>Remembers an SR from this source, for the LSR/DLSR of our next report block about it.</summary>
    /// <param name="ntpTimestamp">The SR's NTP timestamp.</param>
    /// <param name="arrivalNtp">Our NTP time when the SR arrived.</param>
    public void OnSenderReport(ulong ntpTimestamp, ulong arrivalNtp)
    {
        _lastSenderReport = NtpTime.ToMiddle32(ntpTimestamp);
        _lastSenderReportArrival = arrivalNtp;
    }

    /// <summary>Takes the round-trip time from a report block this source sent about our stream.</summary>
    /// <param name="block">The block (its LSR echoes our SR).</param>
    /// <param name="arrivalNtp">Our NTP time when the block arrived.</param>
    public void OnReportBlock(in RtcpReportBlock block, ulong arrivalNtp)
    {
        var rtt = NtpTime.RoundTripTime(block.LastSenderReport, block.DelaySinceLastSenderReport, arrivalNtp);
        if (rtt is not null)
            RoundTripTime = rtt;
    }

    /// <summary>
    /// The report block about this source for an SR or RR sent at <paramref name="nowNtp"/>; starts a new
    /// interval for the fraction lost (A.3), so call it once per report.
    /// </summary>
    public RtcpReportBlock CreateReportBlock(ulong nowNtp)
    {
        long expected = PacketsExpected;
        long expectedInterval = expected - _expectedPrior;
        long receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        long lostInterval = expectedInterval - receivedInterval;
        byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);

        uint delay = _lastSenderReport == 0 ? 0 : NtpTime.ToShortFormat(NtpTime.Elapsed(_lastSenderReportArrival, nowNtp));
        return new RtcpReportBlock(
            Ssrc,
            fraction,
            (int)Math.Clamp(CumulativeLost, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost),
            ExtendedHighestSequenceNumber,
            (uint)_jitter,
            _lastSenderReport,
            delay);
    }

    // RFC 3550 A.1 update_seq.
    private bool UpdateSequence(ushort sequenceNumber)
    {
        ushort delta = (ushort)(sequenceNumber - _maxSequence);
        if (_probation > 0)
        {
            if (sequenceNumber == (ushort)(_maxSequence + 1))
            {
                _probation--;
                _maxSequence = sequenceNumber;
                if (_probation == 0)
                {
                    Restart(sequenceNumber);
                    _received++;
                    return true;
                }
            }
            else
            {
                _probation = MinSequential - 1;
                _maxSequence = sequenceNumber;
            }

            return false;
        }

        if (delta < MaxDropout)
        {
            if (sequenceNumber < _maxSequence)
                _cycles += SequenceModulus;
            _maxSequence = sequenceNumber;
        }
        else if (delta <= SequenceModulus - MaxMisorder)
        {
            if (sequenceNumber != _badSequence)
            {
                // A big jump: believe it only if the next packet follows it.
                _badSequence = (uint)(sequenceNumber + 1) & (SequenceModulus - 1);
                return false;
            }

            // Two packets in sequence after the jump: the sender restarted.
            Restart(sequenceNumber);
        }

        // Otherwise a duplicate or a reordered packet, counted as received.
        _received++;
        return true;
    }

    // RFC 3550 A.1 init_seq.
    private void Restart(ushort sequenceNumber)
    {
        _baseSequence = sequenceNumber;
        _maxSequence = sequenceNumber;
        _badSequence = SequenceModulus + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }

    // RFC 3550 A.8: J += (|D| - J) / 16, D the change in transit time between consecutive packets.
    private void UpdateJitter(uint rtpTimestamp, uint arrivalRtpTime)
    {
        int transit = (int)(arrivalRtpTime - rtpTimestamp);
        if (_hasTransit)
        {
            int difference = Math.Abs(transit - _lastTransit);
            _jitter += (difference - _jitter) / 16.0;
        }

        _hasTransit = true;
        _lastTransit = transit;
    }
}
