using Beryl.Media.Engine;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Tests.Engine;

/// <summary>A transport without a network: packets sent are delivered at once to the peer transport, on the sender's thread.</summary>
internal sealed class MemoryAudioTransport(SdpCodec? codec, uint ssrc) : IAudioTransport
{
    private ushort _sequence = 65500;   // wraps within the first seconds
    private uint _timestamp = uint.MaxValue - 48000;
    private bool _marker = true;

    public MemoryAudioTransport? Peer { get; set; }

    public SdpCodec? NegotiatedAudioFormat => codec;

    public event RtpPacketHandler? OnRtpPacketReceived;

    public long PacketsSent { get; private set; }

    public bool SendAudio(uint durationRtpUnits, ReadOnlySpan<byte> payload)
    {
        if (!payload.IsEmpty)
        {
            Peer?.Deliver(new RtpHeader((byte)codec!.PayloadType, _sequence++, _timestamp, ssrc, _marker), payload);
            _marker = false;
            PacketsSent++;
        }
        else
        {
            _marker = true;
        }
        _timestamp += durationRtpUnits;
        return true;
    }

    /// <summary>Delivers a packet made by the test, as it is, to the peer.</summary>
    public void SendRaw(in RtpHeader header, ReadOnlySpan<byte> payload) => Peer?.Deliver(header, payload);

    public void Deliver(in RtpHeader header, ReadOnlySpan<byte> payload) => OnRtpPacketReceived?.Invoke(header, payload);

    public static (MemoryAudioTransport A, MemoryAudioTransport B) Pair(SdpCodec codec)
    {
        var a = new MemoryAudioTransport(codec, 0xA);
        var b = new MemoryAudioTransport(codec, 0xB) { Peer = a };
        a.Peer = b;
        return (a, b);
    }
}
