using System.Buffers.Binary;
using System.Text;

namespace Beryl.Media.Tests.Audio;

/// <summary>Builds WAV files byte by byte, independently of <c>WavWriter</c>.</summary>
internal static class WavBytes
{
    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    public static byte[] U16(int v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
        return b;
    }

    public static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    /// <summary>"RIFF" + size + "WAVE" + chunks; the RIFF size is computed from the content.</summary>
    public static byte[] Riff(params byte[][] chunks)
    {
        byte[] body = Concat(chunks);
        return Concat(Ascii("RIFF"), U32((uint)(body.Length + 4)), Ascii("WAVE"), body);
    }

    /// <summary>A chunk with its true size, followed by a pad byte when the size is odd.</summary>
    public static byte[] Chunk(string id, byte[] payload) =>
        Concat(Ascii(id), U32((uint)payload.Length), payload, payload.Length % 2 == 1 ? [0] : []);

    /// <summary>A chunk header declaring <paramref name="declaredSize"/>, followed by whatever payload is given.</summary>
    public static byte[] RawChunk(string id, uint declaredSize, byte[] payload) =>
        Concat(Ascii(id), U32(declaredSize), payload);

    /// <summary>A 16-byte (or 18 with <paramref name="cbSize"/>) 'fmt ' chunk.</summary>
    public static byte[] Fmt(int tag, int channels, uint rate, int bits, int? blockAlign = null, int? cbSize = null)
    {
        int align = blockAlign ?? channels * bits / 8;
        byte[] payload = Concat(U16(tag), U16(channels), U32(rate), U32((uint)(rate * (uint)align)), U16(align), U16(bits),
            cbSize is int cb ? U16(cb) : []);
        return Chunk("fmt ", payload);
    }

    /// <summary>A 40-byte WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk with a KSDATAFORMAT_SUBTYPE GUID for <paramref name="subTag"/>.</summary>
    public static byte[] FmtExtensible(int subTag, int channels, uint rate, int bits, int validBits, uint channelMask = 0, byte[]? guidTail = null)
    {
        int align = channels * bits / 8;
        byte[] tail = guidTail ?? [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        byte[] payload = Concat(U16(0xFFFE), U16(channels), U32(rate), U32(rate * (uint)align), U16(align), U16(bits),
            U16(22), U16(validBits), U32(channelMask), U16(subTag), tail);
        return Chunk("fmt ", payload);
    }

    public static byte[] Pcm16(params short[] samples) => samples.SelectMany(s => U16(s)).ToArray();

    public static byte[] Float32(params float[] samples)
    {
        var b = new byte[samples.Length * 4];
        for (int i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), samples[i]);
        return b;
    }

    /// <summary>A plain 16-bit PCM file with the given interleaved samples.</summary>
    public static byte[] SimplePcm16(int channels, uint rate, params short[] samples) =>
        Riff(Fmt(1, channels, rate, 16), Chunk("data", Pcm16(samples)));
}

/// <summary>Wraps a stream, hiding seeking and (optionally) returning reads in small random pieces.</summary>
internal sealed class NonSeekableStream(Stream inner, int seed = 0, int maxReadBytes = int.MaxValue) : Stream
{
    private readonly Random _random = new(seed);

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public bool IsDisposed { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length > 1 && maxReadBytes != int.MaxValue)
            buffer = buffer[..Math.Min(buffer.Length, _random.Next(1, maxReadBytes + 1))];
        return inner.Read(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Flush() => inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }
}

/// <summary>A unique temporary folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "beryl-wav-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Recordings of numbered blocks from a writer that drops what the disk cannot take.</summary>
internal static class RecordedBlocks
{
    /// <summary>
    /// Asserts that every block of <paramref name="samples"/> is in its place (block b starts with
    /// <paramref name="valueOf"/>(b)) or silent, and returns how many are silent: the dropped ones.
    /// </summary>
    public static long CountSilentKeepingPlace(string name, float[] samples, int blockSamples, int blocks, Func<int, float> valueOf)
    {
        Assert.That(samples, Has.Length.EqualTo(blocks * blockSamples), $"{name} keeps every block's place");
        long silent = 0;
        for (int b = 0; b < blocks; b++)
        {
            float value = samples[b * blockSamples];
            if (value == 0f)
                silent++;
            else
                Assert.That(value, Is.EqualTo(valueOf(b)), $"{name}: block {b} is in its place");
        }
        return silent;
    }
}
