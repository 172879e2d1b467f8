using System.Buffers.Binary;
using Beryl.Media.Audio;
using Beryl.Media.Codecs;
using Beryl.Media.Sdp;

namespace Beryl.Media.Tests.Jitter;

/// <summary>
/// A transparent codec for tests: the payload is a 3-byte header (flags, frame count), the frame as 16-bit
/// samples, and optionally a redundant copy of the previous frame (the "FEC"). What comes out of the jitter
/// buffer can then be compared sample by sample with what was sent. Concealment writes silence.
/// </summary>
internal sealed class FakePcmDecoder(int sampleRate = 8000, int channels = 1, bool supportsFec = false) : IAudioDecoder
{
    public const byte PayloadType = 96;
    private const byte FlagFec = 0x01;
    private const byte FlagCorrupt = 0x80;
    private const int HeaderLength = 3;

    public SdpCodec Codec { get; } = new(PayloadType, "L16-test", sampleRate, channels);

    public AudioFormat Format { get; } = new(sampleRate, channels);

    public int MaxFrameSize => sampleRate * 60 / 1000;

    public bool SupportsFec => supportsFec;

    public int ConcealCalls { get; private set; }

    /// <summary>Builds a payload for <paramref name="frame"/> (interleaved), with <paramref name="previous"/> as redundancy when given.</summary>
    public static byte[] Encode(ReadOnlySpan<short> frame, int channels, ReadOnlySpan<short> previous = default, bool corrupt = false)
    {
        bool fec = !previous.IsEmpty;
        var payload = new byte[HeaderLength + 2 * frame.Length * (fec ? 2 : 1)];
        payload[0] = (byte)((fec ? FlagFec : 0) | (corrupt ? FlagCorrupt : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(1), (ushort)(frame.Length / channels));
        for (int i = 0; i < frame.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(payload.AsSpan(HeaderLength + 2 * i), frame[i]);
        for (int i = 0; fec && i < previous.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(payload.AsSpan(HeaderLength + 2 * (frame.Length + i)), previous[i]);
        return payload;
    }

    public int GetFrameCount(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < HeaderLength)
            return -1;
        int frames = BinaryPrimitives.ReadUInt16LittleEndian(payload[1..]);
        int copies = (payload[0] & FlagFec) != 0 ? 2 : 1;
        return payload.Length == HeaderLength + 2 * frames * channels * copies ? frames : -1;
    }

    public int Decode(ReadOnlySpan<byte> payload, Span<float> pcm)
    {
        int frames = GetFrameCount(payload);
        if (frames < 0 || (payload[0] & FlagCorrupt) != 0)
            return -1;
        Convert(payload.Slice(HeaderLength, 2 * frames * channels), pcm);
        return frames;
    }

    public int Conceal(Span<float> pcm)
    {
        ConcealCalls++;
        pcm.Clear();
        return pcm.Length / channels;
    }

    public int DecodeFec(ReadOnlySpan<byte> nextPayload, Span<float> pcm)
    {
        int frames = GetFrameCount(nextPayload);
        if (frames < 0 || (nextPayload[0] & FlagCorrupt) != 0)
            return -1;
        if ((nextPayload[0] & FlagFec) == 0 || pcm.Length > frames * channels)
            return Conceal(pcm);
        ReadOnlySpan<byte> redundancy = nextPayload[(HeaderLength + 2 * frames * channels)..];
        Convert(redundancy[^(2 * pcm.Length)..], pcm);
        return pcm.Length / channels;
    }

    public void Dispose()
    {
    }

    private static void Convert(ReadOnlySpan<byte> samples, Span<float> pcm)
    {
        for (int i = 0; i < samples.Length / 2; i++)
            pcm[i] = BinaryPrimitives.ReadInt16LittleEndian(samples[(2 * i)..]) / 32768f;
    }
}
