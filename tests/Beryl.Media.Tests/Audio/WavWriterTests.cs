using System.Buffers.Binary;
using Beryl.Media.Audio;
using static Beryl.Media.Tests.Audio.WavBytes;

namespace Beryl.Media.Tests.Audio;

[TestFixture]
public sealed class WavWriterTests
{
    private static byte[] WriteToBytes(WavFormat format, params float[] interleaved)
    {
        var stream = new MemoryStream();
        using (var writer = new WavWriter(stream, format, leaveOpen: true))
            writer.Write(interleaved);
        return stream.ToArray();
    }

    private static float[] ReadBack(byte[] file, out WavReader reader)
    {
        reader = new WavReader(new MemoryStream(file), "roundtrip.wav");
        return WavReaderTests.ReadAll(reader);
    }

    [Test]
    public void WritesTheExactPcm16Header()
    {
        byte[] file = WriteToBytes(new WavFormat(48000, 2, WavSampleFormat.Pcm16), 0f, 0.5f, -1f, 1f, -0.25f, 0.75f);
        byte[] expected =
        [
            0x52, 0x49, 0x46, 0x46, 0x30, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45, // "RIFF", 48, "WAVE"
            0x66, 0x6D, 0x74, 0x20, 0x10, 0x00, 0x00, 0x00,                         // "fmt ", 16
            0x01, 0x00, 0x02, 0x00, 0x80, 0xBB, 0x00, 0x00,                         // PCM, stereo, 48000 Hz
            0x00, 0xEE, 0x02, 0x00, 0x04, 0x00, 0x10, 0x00,                         // 192000 B/s, align 4, 16 bits
            0x64, 0x61, 0x74, 0x61, 0x0C, 0x00, 0x00, 0x00,                         // "data", 12
            0x00, 0x00, 0x00, 0x40, 0x00, 0x80, 0xFF, 0x7F, 0x00, 0xE0, 0x00, 0x60, // 0, 16384, -32768, 32767, -8192, 24576
        ];
        Assert.That(file, Is.EqualTo(expected));
    }

    [Test]
    public void WritesTheExactFloat32HeaderWithAFactChunk()
    {
        byte[] file = WriteToBytes(new WavFormat(16000, 1, WavSampleFormat.Float32), 0.5f, -2f);
        byte[] expected = Concat(
        [
            0x52, 0x49, 0x46, 0x46, 0x3A, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45, // "RIFF", 58, "WAVE"
            0x66, 0x6D, 0x74, 0x20, 0x12, 0x00, 0x00, 0x00,                         // "fmt ", 18
            0x03, 0x00, 0x01, 0x00, 0x80, 0x3E, 0x00, 0x00,                         // IEEE float, mono, 16000 Hz
            0x00, 0xFA, 0x00, 0x00, 0x04, 0x00, 0x20, 0x00, 0x00, 0x00,             // 64000 B/s, align 4, 32 bits, cbSize 0
            0x66, 0x61, 0x63, 0x74, 0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, // "fact", 4, 2 frames
            0x64, 0x61, 0x74, 0x61, 0x08, 0x00, 0x00, 0x00,                         // "data", 8
        ], [0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x00, 0xC0]);                      // 0.5f, -2f (written unclamped)
        Assert.That(file, Is.EqualTo(expected));
    }

    [TestCase(WavSampleFormat.Pcm8, 1.0 / 128)]
    [TestCase(WavSampleFormat.Pcm16, 1.0 / 32768)]
    [TestCase(WavSampleFormat.Pcm24, 1.0 / 8388608)]
    [TestCase(WavSampleFormat.Pcm32, 1.0 / 8388608)] // float keeps 24 significant bits
    [TestCase(WavSampleFormat.Float32, 0.0)]
    public void RoundTripsWithinQuantisation(WavSampleFormat sampleFormat, double step)
    {
        var random = new Random((int)sampleFormat);
        const int channels = 3;
        float[] signal = Enumerable.Range(0, channels * 5001).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.99f).ToArray();
        var format = new WavFormat(44100, channels, sampleFormat);

        byte[] file = WriteToBytes(format, signal);
        float[] back = ReadBack(file, out WavReader reader);

        using (reader)
        {
            Assert.That(reader.Format, Is.EqualTo(format));
            Assert.That(reader.FrameCount, Is.EqualTo(5001));
        }
        Assert.That(back, Has.Length.EqualTo(signal.Length));
        double worst = signal.Zip(back, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.That(worst, Is.LessThanOrEqualTo(step / 2 + 1e-9));
    }

    // Not Pcm32: a float holds only 24 significant bits.
    [TestCase(WavSampleFormat.Pcm8)]
    [TestCase(WavSampleFormat.Pcm16)]
    [TestCase(WavSampleFormat.Pcm24)]
    public void ReadingThenWritingPcmIsLossless(WavSampleFormat sampleFormat)
    {
        var random = new Random(99);
        var format = new WavFormat(8000, 2, sampleFormat);
        byte[] original = Riff(Fmt(1, 2, 8000, format.BitsPerSample), Chunk("data", Enumerable.Range(0, 600 * format.BlockAlign).Select(_ => (byte)random.Next(256)).ToArray()));
        float[] samples = ReadBack(original, out WavReader reader);
        reader.Dispose();
        Assert.That(WriteToBytes(format, samples), Is.EqualTo(original));
    }

    [Test]
    public void ClampsAndRoundsPcmToTheNearestStep()
    {
        float[] input = [1.5f, -2f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 100.4f / 32768, 100.6f / 32768, -100.6f / 32768, 1f];
        byte[] file = WriteToBytes(new WavFormat(8000, 1, WavSampleFormat.Pcm16), input);
        short[] written = Enumerable.Range(0, input.Length).Select(i => BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(44 + 2 * i))).ToArray();
        Assert.That(written, Is.EqualTo(new short[] { 32767, -32768, 0, 32767, -32768, 100, 101, -101, 32767 }));
    }

    [Test]
    public void ClampsPcm8Pcm24AndPcm32AtFullScale()
    {
        byte[] pcm8 = WriteToBytes(new WavFormat(8000, 1, WavSampleFormat.Pcm8), 2f, -2f, 0f);
        Assert.That(pcm8[44..47], Is.EqualTo(new byte[] { 255, 0, 128 }));

        byte[] pcm24 = WriteToBytes(new WavFormat(8000, 1, WavSampleFormat.Pcm24), 2f, -2f);
        Assert.That(pcm24[44..50], Is.EqualTo(new byte[] { 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x80 }));

        byte[] pcm32 = WriteToBytes(new WavFormat(8000, 1, WavSampleFormat.Pcm32), 1f, -1f);
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(pcm32.AsSpan(44)), Is.EqualTo(int.MaxValue));
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(pcm32.AsSpan(48)), Is.EqualTo(int.MinValue));
    }

    [Test]
    public void InterleavesChannelsInTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("three.wav");
        float[][] channels =
        [
            [1 / 32768f, 2 / 32768f],
            [10 / 32768f, 20 / 32768f],
            [100 / 32768f, 200 / 32768f],
        ];

        WavWriter.WriteAll(path, 16000, channels);

        byte[] file = File.ReadAllBytes(path);
        Assert.That(file[44..], Is.EqualTo(Pcm16(1, 10, 100, 2, 20, 200)));
        float[][] back = WavReader.ReadAllChannels(path, out WavFormat format);
        Assert.That(format, Is.EqualTo(new WavFormat(16000, 3, WavSampleFormat.Pcm16)));
        Assert.That(back, Is.EqualTo(channels));
    }

    [Test]
    public void WriteAllHandlesLongMultiChannelSignalsInFloat()
    {
        using var dir = new TempDirectory();
        string path = dir.File("long.wav");
        var random = new Random(8);
        float[][] channels = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, 12345).Select(_ => (float)random.NextDouble() - 0.5f).ToArray()).ToArray();

        WavWriter.WriteAll(path, 48000, channels, WavSampleFormat.Float32);

        Assert.That(WavReader.ReadAllChannels(path, out WavFormat format), Is.EqualTo(channels));
        Assert.That(format, Is.EqualTo(new WavFormat(48000, 5, WavSampleFormat.Float32)));
    }

    [Test]
    public void NonSeekableOutputKeepsUnknownSizesAndReadsBackAsAStreamedWav()
    {
        var sink = new MemoryStream();
        using (var writer = new WavWriter(new NonSeekableStream(sink), new WavFormat(8000, 2, WavSampleFormat.Pcm16)))
        {
            writer.Write([0.5f, -0.5f]);
            writer.Write([0.25f, -0.25f]);
            Assert.That(writer.FramesWritten, Is.EqualTo(2));
        }

        byte[] file = sink.ToArray();
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)), Is.EqualTo(0xFFFFFFFFu));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)), Is.EqualTo(0xFFFFFFFFu));
        float[] back = ReadBack(file, out WavReader reader);
        using (reader)
            Assert.That(reader.FrameCount, Is.Null);
        Assert.That(back, Is.EqualTo(new[] { 0.5f, -0.5f, 0.25f, -0.25f }));
    }

    [Test]
    public void PatchesTheHeaderRelativeToWhereItStarted()
    {
        var stream = new MemoryStream();
        stream.Write([9, 9, 9, 9, 9]);
        using (var writer = new WavWriter(stream, new WavFormat(8000, 1, WavSampleFormat.Pcm16), leaveOpen: true))
            writer.Write([0.5f, 0.25f, 0.125f]);

        byte[] all = stream.ToArray();
        Assert.That(all[..5], Is.EqualTo(new byte[] { 9, 9, 9, 9, 9 }));
        Assert.That(all[5..], Is.EqualTo(Riff(Fmt(1, 1, 8000, 16), Chunk("data", Pcm16(16384, 8192, 4096)))));
    }

    [TestCase(WavSampleFormat.Pcm24)]
    [TestCase(WavSampleFormat.Pcm8)]
    public void AnOddSizedDataChunkGetsAPadByte(WavSampleFormat sampleFormat)
    {
        var format = new WavFormat(8000, 1, sampleFormat);
        byte[] file = WriteToBytes(format, 0.5f);
        int dataSize = format.BytesPerSample;
        Assert.That(file, Has.Length.EqualTo(44 + dataSize + 1));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)), Is.EqualTo((uint)dataSize));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)), Is.EqualTo((uint)(36 + dataSize + 1)));
        Assert.That(file[^1], Is.EqualTo(0));
        float[] back = ReadBack(file, out WavReader reader);
        reader.Dispose();
        Assert.That(back, Is.EqualTo(new[] { 0.5f }));
    }

    [Test]
    public void FlushMakesTheFileReadableWhileWritingContinues()
    {
        using var dir = new TempDirectory();
        string path = dir.File("recording.wav");
        using (var writer = WavWriter.Create(path, new WavFormat(16000, 1, WavSampleFormat.Pcm16)))
        {
            writer.Write([0.5f, 0.5f]);
            writer.Flush();
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new WavReader(stream, path))
                Assert.That(reader.FrameCount, Is.EqualTo(2));
            writer.Write([0.25f]);
        }

        using var final = WavReader.Open(path);
        Assert.That(final.FrameCount, Is.EqualTo(3));
        Assert.That(WavReaderTests.ReadAll(final), Is.EqualTo(new[] { 0.5f, 0.5f, 0.25f }));
    }

    [Test]
    public void AnEmptyFileHasAZeroDataSizeAndReadsAsNoFrames()
    {
        byte[] file = WriteToBytes(new WavFormat(8000, 1, WavSampleFormat.Pcm16));
        Assert.That(file, Has.Length.EqualTo(44));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)), Is.EqualTo(0u));
        Assert.That(ReadBack(file, out WavReader reader), Is.Empty);
        reader.Dispose();
    }

    [Test]
    public void RejectsBadArguments()
    {
        var stream = new MemoryStream();
        Assert.That(() => new WavWriter(stream, new WavFormat(0, 1, WavSampleFormat.Pcm16)), Throws.ArgumentException);
        Assert.That(() => new WavWriter(stream, new WavFormat(768001, 1, WavSampleFormat.Pcm16)), Throws.ArgumentException);
        Assert.That(() => new WavWriter(stream, new WavFormat(8000, 0, WavSampleFormat.Pcm16)), Throws.ArgumentException);
        Assert.That(() => new WavWriter(stream, new WavFormat(8000, 9, WavSampleFormat.Pcm16)), Throws.ArgumentException);
        Assert.That(() => new WavWriter(stream, new WavFormat(8000, 1, (WavSampleFormat)42)), Throws.ArgumentException);
        Assert.That(() => new WavWriter(new MemoryStream([], writable: false), new WavFormat(8000, 1, WavSampleFormat.Pcm16)), Throws.ArgumentException);
        Assert.That(stream.Length, Is.EqualTo(0), "nothing may be written for a rejected format");

        using var writer = new WavWriter(stream, new WavFormat(8000, 2, WavSampleFormat.Pcm16));
        Assert.That(() => writer.Write(new float[3]), Throws.ArgumentException);
        Assert.That(writer.FramesWritten, Is.EqualTo(0));
    }

    [Test]
    public void WriteAllRejectsMismatchedChannels()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.wav");
        Assert.That(() => WavWriter.WriteAll(path, 8000, []), Throws.ArgumentException);
        Assert.That(() => WavWriter.WriteAll(path, 8000, [new float[3], new float[4]]), Throws.ArgumentException);
        Assert.That(() => WavWriter.WriteAll(path, 0, [new float[3]]), Throws.ArgumentException);
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void DisposeIsIdempotentAndClosesOwnedStreams()
    {
        var sink = new NonSeekableStream(new MemoryStream());
        var writer = new WavWriter(sink, new WavFormat(8000, 1, WavSampleFormat.Pcm16));
        writer.Dispose();
        writer.Dispose();
        Assert.That(sink.IsDisposed, Is.True);
        Assert.That(() => writer.Write([0f]), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void SteadyStateWritingDoesNotAllocate()
    {
        var stream = new MemoryStream(capacity: 1 << 22);
        using var writer = new WavWriter(stream, new WavFormat(48000, 2, WavSampleFormat.Pcm16));
        var frame = new float[2 * 480];
        for (int i = 0; i < frame.Length; i++)
            frame[i] = MathF.Sin(i * 0.01f);
        writer.Write(frame);

        // Require one clean round of 100 writes (the runtime itself may allocate on our thread now and then).
        var allocatedPerRound = new List<long>();
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
                writer.Write(frame);
            allocatedPerRound.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.That(allocatedPerRound.Min(), Is.EqualTo(0), string.Join(", ", allocatedPerRound));
        Assert.That(writer.FramesWritten, Is.EqualTo(301 * 480));
    }
}
