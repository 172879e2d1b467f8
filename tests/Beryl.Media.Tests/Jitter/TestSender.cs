using Beryl.Media.Rtp;

namespace Beryl.Media.Tests.Jitter;

/// <summary>One RTP packet as sent: header, payload, when it left (receiver clock) and where its audio starts.</summary>
internal readonly record struct SentPacket(RtpHeader Header, byte[] Payload, long SendTimeMicroseconds, long FirstSample);

/// <summary>
/// A sender producing a deterministic test signal in <see cref="FakePcmDecoder"/> payloads, one packet every
/// <c>packetMs</c> of its own clock, which runs <c>skewPpm</c> fast (positive) or slow against the receiver's.
/// </summary>
internal sealed class TestSender(int sampleRate, int channels, int packetMs, uint ssrc, ushort firstSequence = 1000,
    uint firstTimestamp = 50_000, bool fec = false, double skewPpm = 0, long startMicroseconds = 0, long firstSample = 0)
{
    private short[] _previous = [];
    private long _packets;

    public int Channels => channels;

    public uint Ssrc => ssrc;

    public ushort Sequence { get; set; } = firstSequence;

    public uint Timestamp { get; set; } = firstTimestamp;

    public long SampleIndex { get; private set; } = firstSample;

    public int FramesPerPacket => sampleRate * packetMs / 1000;

    public byte PayloadType { get; set; } = FakePcmDecoder.PayloadType;

    /// <summary>When true for a packet's first sample, its payload is marked corrupt.</summary>
    public Func<long, bool>? Corrupt { get; set; }

    public long NextSendTimeMicroseconds =>
        startMicroseconds + (long)Math.Round(_packets * packetMs * 1000.0 / (1 + skewPpm * 1e-6));

    /// <summary>The signal's sample <paramref name="n"/> of <paramref name="channel"/>: two tones and a hash, so any short run is unique.</summary>
    public static short SampleAt(long n, int channel)
    {
        double t = n / 8000.0;
        double tones = 6000 * Math.Sin(2 * Math.PI * 220 * t + channel) + 2500 * Math.Sin(2 * Math.PI * 331 * t);
        int hash = (int)((uint)((n + 7919 * channel) * 2654435761L) >> 23) - 256;
        return (short)(tones + hash);
    }

    public SentPacket Next()
    {
        int frames = FramesPerPacket;
        var frame = new short[frames * channels];
        for (int i = 0; i < frames; i++)
            for (int c = 0; c < channels; c++)
                frame[i * channels + c] = SampleAt(SampleIndex + i, c);
        bool corrupt = Corrupt?.Invoke(SampleIndex) ?? false;
        byte[] payload = FakePcmDecoder.Encode(frame, channels, fec ? _previous : default, corrupt);
        var packet = new SentPacket(new RtpHeader(PayloadType, Sequence, Timestamp, ssrc), payload, NextSendTimeMicroseconds, SampleIndex);

        _previous = frame;
        _packets++;
        SampleIndex += frames;
        Sequence++;
        Timestamp += (uint)frames;
        return packet;
    }
}
