using Beryl.Media.Audio;
using static Beryl.Media.Tests.Audio.WavBytes;

namespace Beryl.Media.Tests.Audio;

[TestFixture]
public sealed class WavReaderRobustnessTests
{
    private static WavFormatException Reject(byte[] bytes, bool nonSeekable = false, string name = "far.wav")
    {
        Stream stream = new MemoryStream(bytes);
        if (nonSeekable)
            stream = new NonSeekableStream(stream, seed: bytes.Length, maxReadBytes: 3);
        var ex = Assert.Throws<WavFormatException>(() => new WavReader(stream, name).Dispose());
        Assert.That(ex!.Message, Does.StartWith(name + ": "));
        Assert.That(ex.SourceName, Is.EqualTo(name));
        return ex;
    }

    private static readonly byte[] ValidMono = Riff(Fmt(1, 1, 16000, 16), Chunk("data", Pcm16(1, 2, 3, 4)));

    private static string ExpectedTruncationProblem(int length) => length switch
    {
        0 => "not a RIFF/WAVE file (the file is empty)",
        < 4 => $"not a RIFF/WAVE file (only {length} bytes long)",
        < 12 => $"truncated RIFF header ({length} of 12 bytes)",
        12 => "missing 'fmt ' chunk",
        < 20 => $"truncated chunk header ({length - 12} of 8 bytes) before the 'data' chunk",
        < 36 => $"truncated 'fmt ' chunk ({length - 20} of 16 bytes)",
        36 => "missing 'data' chunk",
        _ => $"truncated chunk header ({length - 36} of 8 bytes) before the 'data' chunk",
    };

    [Test]
    public void EveryTruncationOfTheHeaderGivesAClearError([Values] bool nonSeekable)
    {
        Assert.That(ValidMono, Has.Length.EqualTo(52));
        for (int length = 0; length < 44; length++)
        {
            var ex = Reject(ValidMono[..length], nonSeekable);
            Assert.That(ex.Problem, Is.EqualTo(ExpectedTruncationProblem(length)), $"length {length}");
        }
    }

    [Test]
    public void TruncatedDataReturnsTheWholeFramesPresentAndSetsWasTruncated([Values] bool nonSeekable)
    {
        byte[] full = Riff(Fmt(1, 2, 8000, 16), Chunk("data", Pcm16(Enumerable.Range(1, 20).Select(i => (short)i).ToArray())));
        byte[] cut = full[..(44 + 6 * 4 + 3)]; // six whole stereo frames and 3 bytes of the seventh
        Stream stream = new MemoryStream(cut);
        if (nonSeekable)
            stream = new NonSeekableStream(stream, seed: 1, maxReadBytes: 5);
        using var reader = new WavReader(stream, "cut.wav");
        Assert.That(reader.FrameCount, Is.EqualTo(10));

        var buffer = new float[40];
        Assert.That(reader.WasTruncated, Is.False);
        Assert.That(reader.Read(buffer), Is.EqualTo(6));
        Assert.That(reader.WasTruncated, Is.True);
        Assert.That(buffer[..12], Is.EqualTo(Enumerable.Range(1, 12).Select(i => i / 32768f)));
        Assert.That(reader.Read(buffer), Is.EqualTo(0));
    }

    [Test]
    public void DataHeaderWithNoDataAtAllIsTruncatedAndEmpty()
    {
        using var reader = new WavReader(new MemoryStream(ValidMono[..44]), "empty-data.wav");
        Assert.That(reader.Read(new float[4]), Is.EqualTo(0));
        Assert.That(reader.WasTruncated, Is.True);
    }

    [Test]
    public void DataChunkBeforeFmtIsAnError()
    {
        var ex = Reject(Riff(Chunk("data", Pcm16(1, 2)), Fmt(1, 1, 8000, 16)));
        Assert.That(ex.Problem, Is.EqualTo("'data' chunk before 'fmt ' chunk"));
    }

    [Test]
    public void MissingDataChunkIsAnError([Values] bool nonSeekable)
    {
        var ex = Reject(Riff(Fmt(1, 1, 8000, 16), Chunk("LIST", new byte[7])), nonSeekable);
        Assert.That(ex.Problem, Is.EqualTo("missing 'data' chunk"));
    }

    [Test]
    public void MissingFmtChunkIsAnError()
    {
        Assert.That(Reject(Riff(Chunk("JUNK", new byte[4]))).Problem, Is.EqualTo("missing 'fmt ' chunk"));
    }

    [TestCase(new byte[] { 0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x54, 0x49 }, "bytes 49443304", TestName = "MP3 with ID3 tag")]
    [TestCase(new byte[] { 0xFF, 0xFB, 0x90, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, "bytes FFFB9064", TestName = "raw MP3 frame")]
    [TestCase(new byte[] { 0x4F, 0x67, 0x67, 0x53, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 }, "'OggS'", TestName = "Ogg")]
    [TestCase(new byte[] { 0x66, 0x4C, 0x61, 0x43, 0x00, 0x00, 0x00, 0x22 }, "'fLaC'", TestName = "FLAC")]
    public void NonWavFilesAreRejected(byte[] bytes, string shownStart)
    {
        var ex = Reject(bytes);
        Assert.That(ex.Problem, Is.EqualTo($"not a RIFF/WAVE file (starts with {shownStart})"));
    }

    [Test]
    public void TextFilesAreRejected()
    {
        var ex = Reject("sample rate,channels\n16000,1\n"u8.ToArray(), name: "notes.txt");
        Assert.That(ex.Message, Is.EqualTo("notes.txt: not a RIFF/WAVE file (starts with 'samp')"));
    }

    [Test]
    public void OtherRiffFormsAreRejected()
    {
        byte[] avi = Concat(Ascii("RIFF"), U32(4), Ascii("AVI "));
        Assert.That(Reject(avi).Problem, Is.EqualTo("not a RIFF/WAVE file (RIFF form type is 'AVI ', not 'WAVE')"));
    }

    [Test]
    public void BigEndianRifxAndRf64AreRejectedClearly()
    {
        byte[] rifx = Concat(Ascii("RIFX"), [0, 0, 0, 36], Ascii("WAVE"));
        Assert.That(Reject(rifx).Problem, Is.EqualTo("big-endian RIFX files are not supported"));
        byte[] rf64 = Concat(Ascii("RF64"), U32(0xFFFFFFFF), Ascii("WAVE"));
        Assert.That(Reject(rf64).Problem, Is.EqualTo("RF64 files are not supported"));
    }

    [TestCase(2, 4, "unsupported format tag 0x0002 (MS ADPCM)")]
    [TestCase(7, 8, "unsupported format tag 0x0007 (µ-law)")]
    [TestCase(6, 8, "unsupported format tag 0x0006 (A-law)")]
    [TestCase(0x55, 0, "unsupported format tag 0x0055 (MPEG Layer 3)")]
    [TestCase(0x1234, 16, "unsupported format tag 0x1234 (unrecognised)")]
    [TestCase(1, 12, "unsupported PCM bit depth 12 (supported: 8, 16, 24, 32)")]
    [TestCase(1, 20, "unsupported PCM bit depth 20 (supported: 8, 16, 24, 32)")]
    [TestCase(1, 0, "unsupported PCM bit depth 0 (supported: 8, 16, 24, 32)")]
    [TestCase(3, 64, "unsupported IEEE float bit depth 64 (only 32 is supported)")]
    [TestCase(3, 16, "unsupported IEEE float bit depth 16 (only 32 is supported)")]
    public void UnsupportedEncodingsAreNamed(int tag, int bits, string problem)
    {
        byte[] file = Riff(Fmt(tag, 1, 8000, bits, blockAlign: Math.Max(1, bits / 8)), Chunk("data", new byte[16]));
        Assert.That(Reject(file).Problem, Is.EqualTo(problem));
    }

    [Test]
    public void ExtensibleWithAnUnsupportedSubFormatIsRejected()
    {
        byte[] adpcm = Riff(FmtExtensible(2, 1, 8000, 16, 16), Chunk("data", new byte[4]));
        Assert.That(Reject(adpcm).Problem, Is.EqualTo("unsupported WAVE_FORMAT_EXTENSIBLE sub-format 0x0002 (MS ADPCM)"));

        byte[] strangeGuid = Riff(FmtExtensible(1, 1, 8000, 16, 16, guidTail: new byte[14]), Chunk("data", new byte[4]));
        Assert.That(Reject(strangeGuid).Problem, Is.EqualTo("unsupported WAVE_FORMAT_EXTENSIBLE sub-format 00000001-0000-0000-0000-000000000000"));

        byte[] tooManyValidBits = Riff(FmtExtensible(1, 1, 8000, 16, 24), Chunk("data", new byte[4]));
        Assert.That(Reject(tooManyValidBits).Problem, Is.EqualTo("valid bits per sample (24) exceed the container size (16)"));
    }

    [Test]
    public void ExtensibleThatIsTooShortIsRejected()
    {
        byte[] shortFmt = Riff(Fmt(0xFFFE, 1, 8000, 16, cbSize: 0), Chunk("data", new byte[4]));
        Assert.That(Reject(shortFmt).Problem, Is.EqualTo("WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk too small (18 bytes, need 40)"));

        byte[] fmt = FmtExtensible(1, 1, 8000, 16, 16);
        fmt[8 + 16] = 10; // cbSize
        Assert.That(Reject(Riff(fmt, Chunk("data", new byte[4]))).Problem, Is.EqualTo("WAVE_FORMAT_EXTENSIBLE extension too small (cbSize 10, need 22)"));
    }

    [TestCase(2, 8000u, 16, 2, "bad block align 2 (expected 4 for 2 channel(s) of 16-bit samples)")]
    [TestCase(1, 8000u, 24, 4, "bad block align 4 (expected 3 for 1 channel(s) of 24-bit samples)")]
    [TestCase(0, 8000u, 16, 0, "0 channels")]
    [TestCase(9, 8000u, 16, 18, "9 channels (at most 8 are supported)")]
    [TestCase(65535, 8000u, 16, 2, "65535 channels (at most 8 are supported)")]
    [TestCase(1, 0u, 16, 2, "unsupported sample rate 0 Hz (supported: 1..768000)")]
    [TestCase(1, 768001u, 16, 2, "unsupported sample rate 768001 Hz (supported: 1..768000)")]
    [TestCase(1, 0xFFFFFFFFu, 16, 2, "unsupported sample rate 4294967295 Hz (supported: 1..768000)")]
    public void BadFmtFieldsAreRejected(int channels, uint rate, int bits, int blockAlign, string problem)
    {
        byte[] file = Riff(Fmt(1, channels, rate, bits, blockAlign), Chunk("data", new byte[16]));
        Assert.That(Reject(file).Problem, Is.EqualTo(problem));
    }

    [Test]
    public void FmtChunkSmallerThan16BytesIsRejected()
    {
        byte[] file = Riff(Chunk("fmt ", Concat(U16(1), U16(1), U32(8000), U32(16000), U16(2))), Chunk("data", new byte[4]));
        Assert.That(Reject(file).Problem, Is.EqualTo("'fmt ' chunk too small (14 bytes, need at least 16)"));
    }

    [Test]
    public void HugeChunkSizesFailFastWithoutLoopingOrAllocating([Values] bool nonSeekable)
    {
        byte[] junk = Riff(RawChunk("JUNK", 0xFFFFFFF0, new byte[20]), Fmt(1, 1, 8000, 16), Chunk("data", new byte[4]));
        Assert.That(Reject(junk, nonSeekable).Problem, Does.StartWith("truncated 'JUNK' chunk (").And.EndWith(" of 4294967280 bytes)"));

        byte[] fmt = Riff(RawChunk("fmt ", 0x7FFFFFFF, Concat(U16(1), U16(1), U32(8000), U32(16000), U16(2), U16(16))), Chunk("data", new byte[4]));
        Assert.That(Reject(fmt, nonSeekable).Problem, Is.EqualTo("truncated 'fmt ' chunk (28 of 2147483647 bytes)"));

        byte[] binaryId = Riff(Fmt(1, 1, 8000, 16), RawChunk("\u0001\u0002\u0003\u0004", 0xFFFFFFFF, new byte[3]));
        Assert.That(Reject(binaryId, nonSeekable).Problem, Is.EqualTo("truncated bytes 01020304 chunk (3 of 4294967295 bytes)"));
    }

    [Test]
    public void AHugeDeclaredDataSizeDoesNotMakeReadToEndAllocateIt()
    {
        byte[] file = Concat(Riff(Fmt(1, 8, 8000, 32)), RawChunk("data", 0xFFFFFFF0, new byte[32 * 3]));
        using var reader = new WavReader(new MemoryStream(file), "liar.wav");
        Assert.That(reader.FrameCount, Is.EqualTo(0xFFFFFFF0 / 32));

        long before = GC.GetAllocatedBytesForCurrentThread();
        float[][] channels = reader.ReadToEnd();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(channels, Has.Length.EqualTo(8));
        Assert.That(channels[7], Has.Length.EqualTo(3));
        Assert.That(reader.WasTruncated, Is.True);
        Assert.That(allocated, Is.LessThan(1 << 20));
    }

    [Test]
    public void IoErrorsFromTheStreamPassThroughUnwrapped()
    {
        var stream = new FailingStream(ValidMono, failAfter: 46);
        using var reader = new WavReader(stream, "flaky.wav");
        Assert.That(() => reader.Read(new float[4]), Throws.TypeOf<IOException>());
        Assert.That(() => new WavReader(new FailingStream(ValidMono, failAfter: 20), "flaky.wav"), Throws.TypeOf<IOException>());
    }

    [Test]
    public void RandomlyMutatedFilesEitherReadOrThrowWavFormatException()
    {
        var random = new Random(20240611);
        byte[][] seeds =
        [
            Riff(Chunk("LIST", Concat(Ascii("INFOISFT"), U32(3), Ascii("abc"))), Fmt(1, 2, 16000, 16), Chunk("fact", U32(20)),
                Chunk("data", Pcm16(Enumerable.Range(0, 40).Select(i => (short)(i * 811)).ToArray())), Chunk("JUNK", new byte[5])),
            Riff(FmtExtensible(3, 3, 48000, 32, 32, 7), Chunk("data", Float32(Enumerable.Range(0, 18).Select(i => i / 20f).ToArray()))),
            Riff(Fmt(1, 1, 8000, 24), Chunk("data", new byte[33])),
        ];

        int accepted = 0, rejected = 0;
        for (int iteration = 0; iteration < 4000; iteration++)
        {
            byte[] bytes = Mutate(seeds[iteration % seeds.Length], random);
            bool nonSeekable = random.Next(2) == 0;
            try
            {
                long frames = ReadEverything(bytes, nonSeekable, random, out int blockAlign);
                Assert.That(frames * blockAlign, Is.LessThanOrEqualTo(bytes.Length), $"iteration {iteration}");
                accepted++;
            }
            catch (WavFormatException ex)
            {
                Assert.That(ex.Message, Does.StartWith("fuzz.wav: "));
                rejected++;
            }
            catch (Exception ex) when (ex is not AssertionException)
            {
                Assert.Fail($"iteration {iteration} ({Convert.ToHexString(bytes)}): {ex}");
            }
        }

        Assert.That(accepted, Is.GreaterThan(400), "the mutations should leave many files readable");
        Assert.That(rejected, Is.GreaterThan(400), "the mutations should break many headers");
    }

    private static long ReadEverything(byte[] bytes, bool nonSeekable, Random random, out int blockAlign)
    {
        Stream stream = new MemoryStream(bytes);
        if (nonSeekable)
            stream = new NonSeekableStream(stream, random.Next(), random.Next(1, 64));
        using var reader = new WavReader(stream, "fuzz.wav");
        blockAlign = reader.Format.BlockAlign;
        Assert.That(reader.Format.Channels, Is.InRange(1, 8));
        Assert.That(reader.Format.SampleRate, Is.InRange(1, 768000));
        if (random.Next(4) == 0)
        {
            float[][] channels = reader.ReadToEnd();
            Assert.That(channels.Select(c => c.Length).Distinct().Count(), Is.EqualTo(1));
            return channels[0].Length;
        }

        var buffer = new float[random.Next(1, 50) * reader.Format.Channels];
        long total = 0;
        for (int calls = 0; ; calls++)
        {
            Assert.That(calls, Is.LessThanOrEqualTo(bytes.Length + 1), "Read must make progress and then end");
            int n = reader.Read(buffer);
            if (n == 0)
                return total;
            bool isFloat = reader.Format.SampleFormat == WavSampleFormat.Float32;
            foreach (float v in buffer.AsSpan(0, n * reader.Format.Channels))
            {
                if (!float.IsFinite(v) || (!isFloat && (v < -1f || v >= 1f)))
                    Assert.Fail($"sample {v} out of range for {reader.Format.SampleFormat}");
            }
            total += n;
        }
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int operations = random.Next(1, 4);
        for (int op = 0; op < operations && bytes.Count > 0; op++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: // flip one bit
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // random byte
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3: // insert random bytes
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4: // delete a few bytes
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 9), bytes.Count - at));
                    break;
                default: // an extreme 32-bit value at a 4-byte aligned position (chunk sizes live there)
                    uint[] extremes = [0, 1, 3, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];
                    int aligned = at & ~3;
                    byte[] value = U32(extremes[random.Next(extremes.Length)]);
                    for (int i = 0; i < 4 && aligned + i < bytes.Count; i++)
                        bytes[aligned + i] = value[i];
                    break;
            }
        }
        return bytes.ToArray();
    }

    /// <summary>Serves <c>failAfter</c> bytes of a file, then throws IOException.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
                throw new IOException("device unplugged");
            int n = Math.Min(count, Math.Min(failAfter, data.Length) - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
