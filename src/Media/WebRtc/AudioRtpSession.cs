using System.Diagnostics;
using System.Text;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;
using Beryl.Media.Srtp;

namespace Beryl.Media.WebRtc;

/// <summary>Receives one RTP packet: its parsed header and its payload, both valid only during the call.</summary>
public delegate void RtpPacketHandler(in RtpHeader header, ReadOnlySpan<byte> payload);

/// <summary>Receives one decrypted RTCP compound packet, valid only during the call.</summary>
public delegate void RtcpPacketHandler(ReadOnlySpan<byte> compound);

/// <summary>
/// The SRTP audio stream of a connected peer: protects and sends our RTP and RTCP, unprotects, checks and delivers
/// the peer's, keeps RFC 3550 statistics and sends periodic reports. Packets that fail authentication, are replayed,
/// malformed or of a payload type not negotiated are dropped and counted.
/// </summary>
internal sealed class AudioRtpSession : IDisposable
{
    private const int MaxPacket = 1500;
    private const int MaxRemoteSources = 4;

    private readonly object _sendLock = new();
    private readonly object _receiveLock = new();
    private readonly SrtpContext _outbound;
    private readonly SrtpContext _inbound;
    private readonly Func<ReadOnlyMemory<byte>, bool> _send;
    private readonly NegotiatedAudio _audio;
    private readonly byte[] _cname;
    private readonly byte[] _sendBuffer = new byte[MaxPacket + SrtpContext.MaxOverhead];
    private readonly byte[] _receiveBuffer = new byte[MaxPacket + SrtpContext.MaxOverhead];
    private readonly RtcpReportBlock[] _blocks = new RtcpReportBlock[MaxRemoteSources];
    private readonly RtpReceiverStatistics?[] _sources = new RtpReceiverStatistics?[MaxRemoteSources];
    private readonly RtpSenderStatistics _sender;
    private readonly long _clockOrigin = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reports;

    private ushort _sequence;
    private uint _timestamp;
    private bool _talkspurtStart;
    private bool _sentFirst;
    private TimeSpan? _roundTripTime;
    private long _received, _receivedBytes, _sourcesRefused, _unknownPayloadType, _malformed, _handlerErrors, _sendFailures;

    public AudioRtpSession(SrtpContext outbound, SrtpContext inbound, Func<ReadOnlyMemory<byte>, bool> send, NegotiatedAudio audio,
        uint localSsrc, string cname, TimeSpan reportInterval)
    {
        _outbound = outbound;
        _inbound = inbound;
        _send = send;
        _audio = audio;
        LocalSsrc = localSsrc;
        _cname = Encoding.UTF8.GetBytes(cname);
        _sender = new RtpSenderStatistics(localSsrc, audio.Codec.ClockRate);
        _sequence = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        _timestamp = (uint)Random.Shared.NextInt64(uint.MaxValue + 1L);
        _reports = Task.Run(() => ReportLoopAsync(reportInterval, _stop.Token));
    }

    public uint LocalSsrc { get; }

    public event RtpPacketHandler? RtpReceived;

    public event RtcpPacketHandler? RtcpReceived;

    /// <summary>
    /// Sends one payload of <paramref name="durationRtpUnits"/>; the RTP timestamp advances by that much after it.
    /// An empty payload sends nothing (discontinuous transmission): the timestamp still advances and the next packet
    /// sent carries the marker bit, as the first packet of a talkspurt (RFC 3551 section 4.1).
    /// </summary>
    public bool SendAudio(uint durationRtpUnits, ReadOnlySpan<byte> payload, bool marker, int? payloadType)
    {
        if (payload.Length > MaxPacket - RtpHeader.FixedLength)
            throw new ArgumentException($"an RTP payload is at most {MaxPacket - RtpHeader.FixedLength} bytes", nameof(payload));
        lock (_sendLock)
        {
            if (payload.IsEmpty)
            {
                _timestamp += durationRtpUnits;
                _talkspurtStart = true;
                return true;
            }
            var header = new RtpHeader((byte)(payloadType ?? _audio.Codec.PayloadType), _sequence, _timestamp, LocalSsrc, marker || !_sentFirst || _talkspurtStart);
            _talkspurtStart = false;
            int length = header.Write(_sendBuffer, payload);
            bool sent = ProtectAndSend(isRtcp: false, length);
            if (sent)
                _sender.OnPacketSent(_timestamp, payload.Length, NtpTime.Now);
            _sentFirst = true;
            _sequence++;
            _timestamp += durationRtpUnits;
            return sent;
        }
    }

    /// <summary>One SRTP or SRTCP datagram from the ICE transport.</summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        lock (_receiveLock)
        {
            if (datagram.Length > _receiveBuffer.Length)
            {
                _malformed++;
                return;
            }
            Span<byte> packet = _receiveBuffer.AsSpan(0, datagram.Length);
            datagram.CopyTo(packet);
            if (RtcpMux.IsRtcp(packet))
            {
                // Failures are counted by the SRTP context.
                if (_inbound.UnprotectRtcp(_receiveBuffer, packet.Length, out int plain) == SrtpStatus.Ok)
                    OnRtcp(_receiveBuffer.AsSpan(0, plain));
                return;
            }
            if (_inbound.UnprotectRtp(_receiveBuffer, packet.Length, out int plainLength) == SrtpStatus.Ok)
                OnRtp(_receiveBuffer.AsSpan(0, plainLength));
        }
    }

    private void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeader.TryParse(packet, out RtpHeader header))
        {
            _malformed++;
            return;
        }
        if (header.PayloadType != _audio.Codec.PayloadType && header.PayloadType != _audio.TelephoneEventPayloadType)
        {
            _unknownPayloadType++;
            return;
        }
        RtpReceiverStatistics? source = Source(header.Ssrc);
        if (source is null)
        {
            _sourcesRefused++;
            return;
        }
        source.OnPacket(header.SequenceNumber, header.Timestamp, ArrivalRtpTime());
        _received++;
        _receivedBytes += header.PayloadLength;
        try
        {
            RtpReceived?.Invoke(header, header.GetPayload(packet));
        }
        catch (Exception)
        {
            // A handler's bug must not stop the receive loop; it is counted for the statistics.
            _handlerErrors++;
        }
    }

    private void OnRtcp(ReadOnlySpan<byte> compound)
    {
        ulong now = NtpTime.Now;
        var reader = new RtcpCompoundReader(compound);
        while (reader.TryReadNext(out RtcpPacket packet))
        {
            if (packet.Type is not (RtcpPacketType.SenderReport or RtcpPacketType.ReceiverReport) || !RtcpReport.TryParse(packet, out RtcpReport report))
                continue;
            if (report.IsSenderReport)
                Source(report.Ssrc)?.OnSenderReport(report.SenderInfo.NtpTimestamp, now);
            for (int i = 0; i < report.ReportBlockCount; i++)
            {
                RtcpReportBlock block = report.GetReportBlock(i);
                if (block.Ssrc == LocalSsrc)
                    _roundTripTime = NtpTime.RoundTripTime(block.LastSenderReport, block.DelaySinceLastSenderReport, now) ?? _roundTripTime;
            }
        }
        if (reader.IsMalformed)
        {
            _malformed++;
            return;
        }
        try
        {
            RtcpReceived?.Invoke(compound);
        }
        catch (Exception)
        {
            _handlerErrors++;
        }
    }

    private RtpReceiverStatistics? Source(uint ssrc)
    {
        for (int i = 0; i < _sources.Length; i++)
        {
            if (_sources[i] is { } known && known.Ssrc == ssrc)
                return known;
            if (_sources[i] is null)
                return _sources[i] = new RtpReceiverStatistics(ssrc);
        }
        return null;
    }

    private uint ArrivalRtpTime() =>
        (uint)(long)(Stopwatch.GetElapsedTime(_clockOrigin).TotalSeconds * _audio.Codec.ClockRate);

    /// <summary>Sends an SR (or an RR before we sent anything) with a block per remote source, and our CNAME.</summary>
    public void SendReport() => SendRtcp(goodbye: false);

    /// <summary>Sends a final report with a BYE.</summary>
    public void SendGoodbye() => SendRtcp(goodbye: true);

    private void SendRtcp(bool goodbye)
    {
        ulong now = NtpTime.Now;
        int blocks = 0;
        lock (_receiveLock)
        {
            foreach (RtpReceiverStatistics? source in _sources)
                if (source is { IsValid: true })
                    _blocks[blocks++] = source.CreateReportBlock(now);
        }
        lock (_sendLock)
        {
            Span<byte> buffer = _sendBuffer.AsSpan(0, MaxPacket);
            int length = _sender.HasSent
                ? RtcpWriter.WriteSenderReport(buffer, LocalSsrc, _sender.CreateSenderInfo(now), _blocks.AsSpan(0, blocks))
                : RtcpWriter.WriteReceiverReport(buffer, LocalSsrc, _blocks.AsSpan(0, blocks));
            length += RtcpWriter.WriteSourceDescription(buffer[length..], LocalSsrc, _cname);
            if (goodbye)
            {
                Span<uint> self = [LocalSsrc];
                length += RtcpWriter.WriteGoodbye(buffer[length..], self);
            }
            ProtectAndSend(isRtcp: true, length);
        }
    }

    private bool ProtectAndSend(bool isRtcp, int length)
    {
        SrtpStatus status = isRtcp
            ? _outbound.ProtectRtcp(_sendBuffer, length, out int protectedLength)
            : _outbound.ProtectRtp(_sendBuffer, length, out protectedLength);
        if (status == SrtpStatus.Ok && _send(_sendBuffer.AsMemory(0, protectedLength)))
            return true;
        _sendFailures++;
        return false;
    }

    private async Task ReportLoopAsync(TimeSpan interval, CancellationToken stop)
    {
        try
        {
            // RFC 3550 6.3.1: randomise each interval over [0.5, 1.5] times the mean so reports of many peers spread out;
            // the first one goes early so a round-trip time is known soon.
            await Task.Delay(interval / 2, stop).ConfigureAwait(false);
            while (!stop.IsCancellationRequested)
            {
                SendReport();
                await Task.Delay(interval * (0.5 + Random.Shared.NextDouble()), stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public AudioRtpStatistics Statistics
    {
        get
        {
            lock (_receiveLock)
            {
                RtpReceiverStatistics? first = _sources[0];
                SrtpCounters inbound = _inbound.Counters;
                return new AudioRtpStatistics(
                    _sender.PacketsSent, _sender.OctetsSent, _received, _receivedBytes,
                    first?.CumulativeLost ?? 0, first is null ? 0 : first.Jitter / _audio.Codec.ClockRate * 1000.0, _roundTripTime,
                    inbound.AuthenticationFailures, inbound.Replays + inbound.TooOld, _malformed + inbound.Malformed,
                    _unknownPayloadType, _sourcesRefused, _handlerErrors, Interlocked.Read(ref _sendFailures));
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _reports.Wait();
        }
        catch (AggregateException)
        {
        }
        lock (_sendLock)
            _outbound.Dispose();
        lock (_receiveLock)
            _inbound.Dispose();
        _stop.Dispose();
    }
}
