namespace Beryl.Media.Rtp;

/// <summary>
/// What an SR says about our own stream (RFC 3550 section 6.4.1): packet and octet counts and the mapping from
/// wallclock (NTP) time to the RTP clock, extrapolated from the last packet sent. Not thread-safe; no method allocates.
/// </summary>
public sealed class RtpSenderStatistics
{
    private uint _lastRtpTimestamp;
    private ulong _lastSentNtp;

    /// <summary>Statistics for our source <paramref name="ssrc"/> whose RTP clock runs at <paramref name="clockRate"/> Hz.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clockRate"/> is not positive.</exception>
    public RtpSenderStatistics(uint ssrc, int clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        Ssrc = ssrc;
        ClockRate = clockRate;
    }

    /// <summary>Our source.</summary>
    public uint Ssrc { get; }

    /// <summary>The RTP clock rate in Hz.</summary>
    public int ClockRate { get; }

    /// <summary>RTP packets sent.</summary>
    public long PacketsSent { get; private set; }

    /// <summary>Payload octets sent (headers and padding excluded).</summary>
    public long OctetsSent { get; private set; }

    /// <summary>Whether anything has been sent, that is whether an SR (rather than an RR) is due.</summary>
    public bool HasSent => PacketsSent > 0;

    /// <summary>Accounts one packet sent.</summary>
    /// <param name="rtpTimestamp">The packet's RTP timestamp.</param>
    /// <param name="payloadLength">Its payload bytes.</param>
    /// <param name="sentNtp">Our NTP time when it was sent.</param>
    public void OnPacketSent(uint rtpTimestamp, int payloadLength, ulong sentNtp)
    {
        PacketsSent++;
        OctetsSent += Math.Max(0, payloadLength);
        _lastRtpTimestamp = rtpTimestamp;
        _lastSentNtp = sentNtp;
    }

    /// <summary>The sender information of an SR sent at <paramref name="nowNtp"/>; counts wrap at 32 bits as the fields do.</summary>
    public RtcpSenderInfo CreateSenderInfo(ulong nowNtp)
    {
        // The RTP timestamp of "now" runs on from the last packet's at the clock rate.
        long elapsed = (long)(nowNtp - _lastSentNtp);
        long ticks = (long)Math.Round(elapsed / 4294967296.0 * ClockRate);
        uint rtpTimestamp = HasSent ? _lastRtpTimestamp + (uint)ticks : 0;
        return new RtcpSenderInfo(nowNtp, rtpTimestamp, (uint)PacketsSent, (uint)OctetsSent);
    }
}
