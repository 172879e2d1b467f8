using Beryl.Media.Audio;
using static Beryl.Media.Tests.Audio.WavBytes;

namespace Beryl.Media.Tests.Audio;

[TestFixture]
public sealed class WavReaderTests
{
    internal static float[] ReadAll(WavReader reader, int framesPerRead = 64)
    {
        var all = new List<float>();
        var buffer = new float[framesPerRead * reader.Format.Channels];
        int n;
        while ((n = reader.Read(buffer)) > 0)
            all.AddRange(buffer.AsSpan(0, n * reader.Format.Channels).ToArray());
        return all.ToArray();
    }

    private static WavReader FromBytes(byte[] bytes, string name = "test.wav") => new(new MemoryStream(bytes), name);

    [Test]
    public void ReadsAHeaderWrittenByHand()
    {
        byte[] file =
        [
            0x52, 0x49, 0x46, 0x46, 0x2C, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45, // "RIFF", 44, "WAVE"
            0x66, 0x6D, 0x74, 0x20, 0x10, 0x00, 0x00, 0x00,                         // "fmt ", 16
            0x01, 0x00, 0x01, 0x00, 0x80, 0x3E, 0x00, 0x00,                         // PCM, mono, 16000 Hz
            0x00, 0x7D, 0x00, 0x00, 0x02, 0x00, 0x10, 0x00,                         // 32000 B/s, align 2, 16 bits
            0x64, 0x61, 0x74, 0x61, 0x08, 0x00, 0x00, 0x00,                         // "data", 8
            0x00, 0x00, 0x00, 0x40, 0x00, 0x80, 0xFF, 0x7F,                         // 0, 16384, -32768, 32767
        ];
        using var reader = FromBytes(file);

        Assert.That(reader.Format, Is.EqualTo(new WavFormat(16000, 1, WavSampleFormat.Pcm16)));
        Assert.That(reader.FrameCount, Is.EqualTo(4));
        var buffer = new float[10];
        Assert.That(reader.Read(buffer), Is.EqualTo(4));
        Assert.That(buffer[..4], Is.EqualTo(new[] { 0f, 0.5f, -1f, 32767f / 32768f }));
        Assert.That(reader.Read(buffer), Is.EqualTo(0));
        Assert.That(reader.WasTruncated, Is.False);
        Assert.That(reader.FramesRead, Is.EqualTo(4));
    }

    [Test]
    public void DecodesPcm8AsOffsetBinary()
    {
        using var reader = FromBytes(Riff(Fmt(1, 1, 8000, 8), Chunk("data", [0, 128, 255, 64])));
        Assert.That(reader.Format.SampleFormat, Is.EqualTo(WavSampleFormat.Pcm8));
        Assert.That(ReadAll(reader), Is.EqualTo(new[] { -1f, 0f, 127f / 128f, -0.5f }));
    }

    [Test]
    public void DecodesPcm24()
    {
        byte[] data = [0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x40, 0xFF, 0xFF, 0xFF];
        using var reader = FromBytes(Riff(Fmt(1, 1, 48000, 24), Chunk("data", data)));
        Assert.That(reader.Format.SampleFormat, Is.EqualTo(WavSampleFormat.Pcm24));
        Assert.That(ReadAll(reader), Is.EqualTo(new[] { -1f, 8388607f / 8388608f, 0.5f, -1f / 8388608f }));
    }

    [Test]
    public void DecodesPcm32AndKeepsFullScaleBelowOne()
    {
        byte[] data = Concat(U32(0x80000000), U32(int.MaxValue), U32(1u << 30), U32(0xFFFFFF00));
        using var reader = FromBytes(Riff(Fmt(1, 1, 48000, 32), Chunk("data", data)));
        float[] samples = ReadAll(reader);
        Assert.That(samples[0], Is.EqualTo(-1f));
        Assert.That(samples[1], Is.LessThan(1f).And.GreaterThan(0.9999999f));
        Assert.That(samples[2], Is.EqualTo(0.5f));
        Assert.That(samples[3], Is.EqualTo(-256f / 2147483648f));
    }

    [Test]
    public void DecodesFloat32WithFactChunkAndSanitizesNonFiniteValues()
    {
        byte[] data = Float32(0.25f, -1.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-30f);
        using var reader = FromBytes(Riff(Fmt(3, 2, 44100, 32, cbSize: 0), Chunk("fact", U32(3)), Chunk("data", data)));
        Assert.That(reader.Format, Is.EqualTo(new WavFormat(44100, 2, WavSampleFormat.Float32)));
        Assert.That(reader.FrameCount, Is.EqualTo(3));
        Assert.That(ReadAll(reader), Is.EqualTo(new[] { 0.25f, -1.5f, 0f, 1f, -1f, 1e-30f }));
    }

    [Test]
    public void ReadsExtensiblePcmWithFewerValidBits()
    {
        // 20 valid bits in a 24-bit container: read as 24-bit, the low bits are simply zero.
        byte[] data = [0x00, 0x00, 0x40, 0x00, 0x00, 0xC0];
        using var reader = FromBytes(Riff(FmtExtensible(1, 2, 96000, 24, 20, channelMask: 3), Chunk("data", data)));
        Assert.That(reader.Format, Is.EqualTo(new WavFormat(96000, 2, WavSampleFormat.Pcm24)));
        Assert.That(ReadAll(reader), Is.EqualTo(new[] { 0.5f, -0.5f }));
    }

    [Test]
    public void ReadsExtensibleFloat()
    {
        using var reader = FromBytes(Riff(FmtExtensible(3, 1, 48000, 32, 32), Chunk("data", Float32(0.125f, -0.75f))));
        Assert.That(reader.Format.SampleFormat, Is.EqualTo(WavSampleFormat.Float32));
        Assert.That(ReadAll(reader), Is.EqualTo(new[] { 0.125f, -0.75f }));
    }

    [Test]
    public void ReadsInterleavedChannelsInOrderAcrossPartialReads()
    {
        short[] samples = Enumerable.Range(0, 3 * 7).Select(i => (short)(i * 100 * (i % 2 == 0 ? 1 : -1))).ToArray();
        using var reader = FromBytes(SimplePcm16(3, 8000, samples));
        var buffer = new float[6];
        var got = new List<float>();
        int n;
        while ((n = reader.Read(buffer)) > 0)
        {
            Assert.That(n, Is.LessThanOrEqualTo(2));
            got.AddRange(buffer[..(n * 3)]);
        }
        Assert.That(got, Is.EqualTo(samples.Select(s => s / 32768f)));
        Assert.That(reader.FramesRead, Is.EqualTo(7));
    }

    [Test]
    public void RejectsABufferThatIsNotAWholeNumberOfFrames()
    {
        using var reader = FromBytes(SimplePcm16(2, 8000, 1, 2, 3, 4));
        Assert.That(() => reader.Read(new float[3]), Throws.ArgumentException);
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(4096)]
    [TestCase(10000)]
    public void ReadsTheSameSamplesWhateverTheBufferSize(int framesPerRead)
    {
        var random = new Random(5);
        short[] samples = Enumerable.Range(0, 2 * 9001).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        byte[] file = SimplePcm16(2, 22050, samples);
        using var reader = FromBytes(file);
        Assert.That(ReadAll(reader, framesPerRead), Is.EqualTo(samples.Select(s => s / 32768f)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SkipsUnknownChunksBeforeAndAfterFmtIncludingOddSizedOnesWithPadBytes(bool nonSeekable)
    {
        byte[] file = Riff(
            Chunk("JUNK", new byte[27]),
            Chunk("bext", new byte[13]),
            Fmt(1, 1, 16000, 16),
            Chunk("LIST", Concat(Ascii("INFOISFT"), U32(5), Ascii("Beryl"))),
            Chunk("fact", U32(2)),
            Chunk("data", Pcm16(1000, -1000)),
            Chunk("LIST", new byte[9]),
            Chunk("id3 ", new byte[3]));
        Stream stream = new MemoryStream(file);
        if (nonSeekable)
            stream = new NonSeekableStream(stream, seed: 3, maxReadBytes: 5);
        using var reader = new WavReader(stream, "chunks.wav");
        Assert.That(reader.FrameCount, Is.EqualTo(2));
        Assert.That(ReadAll(reader), Is.EqualTo(new[] { 1000f / 32768f, -1000f / 32768f }));
        Assert.That(reader.WasTruncated, Is.False);
    }

    [Test]
    public void UsesTheFirstFmtChunkWhenThereAreTwo()
    {
        byte[] file = Riff(Fmt(1, 1, 16000, 16), Fmt(1, 2, 8000, 8), Chunk("data", Pcm16(1, 2)));
        using var reader = FromBytes(file);
        Assert.That(reader.Format, Is.EqualTo(new WavFormat(16000, 1, WavSampleFormat.Pcm16)));
    }

    [TestCase(0u)]
    [TestCase(0xFFFFFFFFu)]
    public void ReadsAStreamedWavToTheEndOfTheFile(uint declaredDataSize)
    {
        byte[] file = Concat(Ascii("RIFF"), U32(0xFFFFFFFF), Ascii("WAVE"), Fmt(1, 2, 8000, 16),
            RawChunk("data", declaredDataSize, Pcm16(1, 2, 3, 4, 5, 6)));
        using var reader = new WavReader(new NonSeekableStream(new MemoryStream(file)), "live.wav");
        Assert.That(reader.FrameCount, Is.Null);
        Assert.That(ReadAll(reader, 2), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6 }.Select(s => s / 32768f)));
        Assert.That(reader.WasTruncated, Is.False);
    }

    [Test]
    public void AStreamedWavEndingInsideAFrameIsTruncatedAfterTheWholeFrames()
    {
        byte[] file = Concat(Riff(Fmt(1, 2, 8000, 16)), RawChunk("data", 0xFFFFFFFF, Pcm16(1, 2, 3)));
        using var reader = FromBytes(file);
        var buffer = new float[8];
        Assert.That(reader.Read(buffer), Is.EqualTo(1));
        Assert.That(reader.WasTruncated, Is.True);
        Assert.That(reader.Read(buffer), Is.EqualTo(0));
    }

    [Test]
    public void IgnoresATrailingPartialFrameInsideTheDeclaredDataSize()
    {
        byte[] file = Riff(Fmt(1, 2, 8000, 16), Chunk("data", Concat(Pcm16(7, 8, 9), [0])));
        using var reader = FromBytes(file);
        Assert.That(reader.FrameCount, Is.EqualTo(1));
        Assert.That(ReadAll(reader), Is.EqualTo(new[] { 7f / 32768f, 8f / 32768f }));
        Assert.That(reader.WasTruncated, Is.False);
    }

    [Test]
    public void StopsAtTheDeclaredDataSizeEvenIfMoreBytesFollow()
    {
        byte[] file = Concat(Riff(Fmt(1, 1, 8000, 16), Chunk("data", Pcm16(1, 2))), Pcm16(3, 4, 5));
        using var reader = FromBytes(file);
        Assert.That(ReadAll(reader), Has.Length.EqualTo(2));
    }

    [Test]
    public void ReadsThroughANonSeekableStreamThatReturnsTinyPieces()
    {
        var random = new Random(11);
        short[] samples = Enumerable.Range(0, 3 * 5000).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        byte[] file = Riff(Chunk("JUNK", new byte[1001]), Fmt(1, 3, 44100, 16), Chunk("data", Pcm16(samples)));
        using var reader = new WavReader(new NonSeekableStream(new MemoryStream(file), seed: 2, maxReadBytes: 7), "pipe");
        Assert.That(ReadAll(reader, 333), Is.EqualTo(samples.Select(s => s / 32768f)));
        Assert.That(reader.WasTruncated, Is.False);
    }

    [TestCase(1)]
    [TestCase(768000)]
    public void AcceptsTheExtremeSampleRatesAndEightChannels(int rate)
    {
        using var reader = FromBytes(Riff(Fmt(1, 8, (uint)rate, 16), Chunk("data", new byte[32])));
        Assert.That(reader.Format, Is.EqualTo(new WavFormat(rate, 8, WavSampleFormat.Pcm16)));
        Assert.That(reader.FrameCount, Is.EqualTo(2));
    }

    [Test]
    public void OpenReadsAFileAndNamesItInErrors()
    {
        using var dir = new TempDirectory();
        string good = dir.File("good.wav");
        string bad = dir.File("bad.wav");
        File.WriteAllBytes(good, SimplePcm16(1, 8000, 5, 6));
        File.WriteAllText(bad, "hello, this is not audio");

        using (var reader = WavReader.Open(good))
        {
            Assert.That(reader.Name, Is.EqualTo(good));
            Assert.That(ReadAll(reader), Is.EqualTo(new[] { 5f / 32768f, 6f / 32768f }));
        }

        var ex = Assert.Throws<WavFormatException>(() => WavReader.Open(bad).Dispose());
        Assert.That(ex!.Message, Does.StartWith(bad + ": not a RIFF/WAVE file"));
        Assert.That(ex.SourceName, Is.EqualTo(bad));
        Assert.That(() => File.Delete(bad), Throws.Nothing, "the rejected file must have been closed");
    }

    [Test]
    public void OpenLetsFileNotFoundThrough()
    {
        using var dir = new TempDirectory();
        Assert.That(() => WavReader.Open(dir.File("missing.wav")), Throws.TypeOf<FileNotFoundException>());
    }

    [Test]
    public void ReadAllChannelsDeinterleaves()
    {
        using var dir = new TempDirectory();
        string path = dir.File("stereo.wav");
        File.WriteAllBytes(path, SimplePcm16(2, 32000, 100, -100, 200, -200, 300, -300));

        float[][] channels = WavReader.ReadAllChannels(path, out WavFormat format);

        Assert.That(format, Is.EqualTo(new WavFormat(32000, 2, WavSampleFormat.Pcm16)));
        Assert.That(channels, Has.Length.EqualTo(2));
        Assert.That(channels[0], Is.EqualTo(new[] { 100f, 200f, 300f }.Select(v => v / 32768f)));
        Assert.That(channels[1], Is.EqualTo(new[] { -100f, -200f, -300f }.Select(v => v / 32768f)));
    }

    [Test]
    public void ReadToEndOnANonSeekableStreamGrowsAsNeeded()
    {
        short[] samples = Enumerable.Range(0, 2 * 40000).Select(i => (short)(i % 1000)).ToArray();
        byte[] file = Concat(Riff(Fmt(1, 2, 8000, 16)), RawChunk("data", 0, Pcm16(samples)));
        using var reader = new WavReader(new NonSeekableStream(new MemoryStream(file)), "pipe");
        float[][] channels = reader.ReadToEnd();
        Assert.That(channels[0], Has.Length.EqualTo(40000));
        Assert.That(channels[1][39999], Is.EqualTo(samples[79999] / 32768f));
    }

    [Test]
    public void LeaveOpenControlsWhetherTheStreamIsDisposed()
    {
        byte[] file = SimplePcm16(1, 8000, 1);
        var kept = new NonSeekableStream(new MemoryStream(file));
        new WavReader(kept, "kept", leaveOpen: true).Dispose();
        Assert.That(kept.IsDisposed, Is.False);

        var owned = new NonSeekableStream(new MemoryStream(file));
        var reader = new WavReader(owned, "owned");
        reader.Dispose();
        reader.Dispose();
        Assert.That(owned.IsDisposed, Is.True);
        Assert.That(() => reader.Read(new float[1]), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void SteadyStateReadingDoesNotAllocate()
    {
        const int framesPerCall = 480, callsPerRound = 200, rounds = 5;
        uint dataBytes = (rounds + 1) * callsPerRound * framesPerCall * 4;
        using var reader = FromBytes(Concat(Riff(Fmt(1, 2, 48000, 16)), RawChunk("data", dataBytes, new byte[dataBytes])));
        var buffer = new float[2 * framesPerCall];
        for (int i = 0; i < callsPerRound; i++)
            reader.Read(buffer);

        // The runtime may allocate now and then on our thread (tiered JIT bookkeeping), so require one clean
        // round rather than all: a per-call allocation in Read would make every round allocate.
        var allocatedPerRound = new List<long>();
        for (int round = 0; round < rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int frames = 0;
            for (int i = 0; i < callsPerRound; i++)
                frames += reader.Read(buffer);
            allocatedPerRound.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.That(frames, Is.EqualTo(callsPerRound * framesPerCall));
        }

        Assert.That(allocatedPerRound.Min(), Is.EqualTo(0), string.Join(", ", allocatedPerRound));
    }
}
