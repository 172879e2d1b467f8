using System.Buffers.Binary;
using System.Text;

namespace Beryl.Media.Audio;

/// <summary>What <see cref="WavHeaderParser"/> learned from the chunks before the audio.</summary>
/// <param name="Format">The audio format.</param>
/// <param name="DataSize">Declared size of the <c>data</c> chunk in bytes, or null when unknown (streamed WAV).</param>
internal readonly record struct WavHeader(WavFormat Format, long? DataSize);

/// <summary>
/// Reads a RIFF/WAVE header up to the first byte of the <c>data</c> chunk. Reads only what it needs
/// (at most 40 bytes of <c>fmt </c>), skips unknown chunks by seeking or by reading into a small
/// scratch buffer, so hostile sizes cannot cause large allocations or loops longer than the input.
/// </summary>
internal static class WavHeaderParser
{
    private const ushort TagPcm = 0x0001;
    private const ushort TagFloat = 0x0003;
    private const ushort TagExtensible = 0xFFFE;
    private const int MaxFmtBytesRead = 40;

    /// <summary>Bytes 2..15 of the KSDATAFORMAT_SUBTYPE_* GUIDs; bytes 0..1 hold the format tag.</summary>
    private static ReadOnlySpan<byte> SubFormatGuidTail =>
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Parses the header and leaves <paramref name="stream"/> at the first audio byte.</summary>
    /// <exception cref="WavFormatException">The header is malformed, truncated or unsupported.</exception>
    public static WavHeader Parse(Stream stream, string name)
    {
        Span<byte> buf = stackalloc byte[MaxFmtBytesRead];

        int n = ReadUpTo(stream, buf[..12]);
        if (n == 0)
            throw Fail(name, "not a RIFF/WAVE file (the file is empty)");
        if (n < 4)
            throw Fail(name, $"not a RIFF/WAVE file (only {n} bytes long)");
        ReadOnlySpan<byte> magic = buf[..4];
        if (magic.SequenceEqual("RIFX"u8))
            throw Fail(name, "big-endian RIFX files are not supported");
        if (magic.SequenceEqual("RF64"u8))
            throw Fail(name, "RF64 files are not supported");
        if (!magic.SequenceEqual("RIFF"u8))
            throw Fail(name, $"not a RIFF/WAVE file (starts with {DescribeId(magic)})");
        if (n < 12)
            throw Fail(name, $"truncated RIFF header ({n} of 12 bytes)");
        if (!buf[8..12].SequenceEqual("WAVE"u8))
            throw Fail(name, $"not a RIFF/WAVE file (RIFF form type is {DescribeId(buf[8..12])}, not 'WAVE')");

        WavFormat? format = null;
        while (true)
        {
            n = ReadUpTo(stream, buf[..8]);
            if (n == 0)
                throw Fail(name, format is null ? "missing 'fmt ' chunk" : "missing 'data' chunk");
            if (n < 8)
                throw Fail(name, $"truncated chunk header ({n} of 8 bytes) before the 'data' chunk");

            uint size = BinaryPrimitives.ReadUInt32LittleEndian(buf[4..8]);
            if (buf[..4].SequenceEqual("data"u8))
            {
                if (format is null)
                    throw Fail(name, "'data' chunk before 'fmt ' chunk");
                long? dataSize = size is 0 or uint.MaxValue ? null : size;
                return new WavHeader(format, dataSize);
            }

            string id = DescribeId(buf[..4]);
            long consumed = 0;
            if (format is null && buf[..4].SequenceEqual("fmt "u8))
            {
                format = ParseFmt(stream, name, size, buf);
                consumed = Math.Min(size, MaxFmtBytesRead);
            }

            Skip(stream, name, id, size, consumed);
            if ((size & 1) != 0)
                SkipPadByte(stream);
        }
    }

    private static WavFormat ParseFmt(Stream stream, string name, uint size, Span<byte> buf)
    {
        if (size < 16)
            throw Fail(name, $"'fmt ' chunk too small ({size} bytes, need at least 16)");
        int want = (int)Math.Min(size, MaxFmtBytesRead);
        int got = ReadUpTo(stream, buf[..want]);
        if (got < want)
            throw Fail(name, $"truncated 'fmt ' chunk ({got} of {size} bytes)");

        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(buf[0..2]);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(buf[2..4]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(buf[4..8]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(buf[12..14]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(buf[14..16]);

        ushort effectiveTag = tag;
        if (tag == TagExtensible)
        {
            if (size < 40)
                throw Fail(name, $"WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk too small ({size} bytes, need 40)");
            int extensionSize = BinaryPrimitives.ReadUInt16LittleEndian(buf[16..18]);
            if (extensionSize < 22)
                throw Fail(name, $"WAVE_FORMAT_EXTENSIBLE extension too small (cbSize {extensionSize}, need 22)");
            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(buf[18..20]);
            ReadOnlySpan<byte> guid = buf[24..40];
            if (!guid[2..].SequenceEqual(SubFormatGuidTail))
                throw Fail(name, $"unsupported WAVE_FORMAT_EXTENSIBLE sub-format {new Guid(guid)}");
            effectiveTag = BinaryPrimitives.ReadUInt16LittleEndian(guid[..2]);
            if (effectiveTag is not (TagPcm or TagFloat))
                throw Fail(name, $"unsupported WAVE_FORMAT_EXTENSIBLE sub-format 0x{effectiveTag:X4} ({TagName(effectiveTag)})");
            if (validBits > bits)
                throw Fail(name, $"valid bits per sample ({validBits}) exceed the container size ({bits})");
        }

        WavSampleFormat sampleFormat = effectiveTag switch
        {
            TagPcm => bits switch
            {
                8 => WavSampleFormat.Pcm8,
                16 => WavSampleFormat.Pcm16,
                24 => WavSampleFormat.Pcm24,
                32 => WavSampleFormat.Pcm32,
                _ => throw Fail(name, $"unsupported PCM bit depth {bits} (supported: 8, 16, 24, 32)"),
            },
            TagFloat => bits == 32
                ? WavSampleFormat.Float32
                : throw Fail(name, $"unsupported IEEE float bit depth {bits} (only 32 is supported)"),
            _ => throw Fail(name, $"unsupported format tag 0x{tag:X4} ({TagName(tag)})"),
        };

        if (channels == 0)
            throw Fail(name, "0 channels");
        if (channels > WavFormat.MaxChannels)
            throw Fail(name, $"{channels} channels (at most {WavFormat.MaxChannels} are supported)");
        if (sampleRate == 0 || sampleRate > WavFormat.MaxSampleRate)
            throw Fail(name, $"unsupported sample rate {sampleRate} Hz (supported: 1..{WavFormat.MaxSampleRate})");

        var format = new WavFormat((int)sampleRate, channels, sampleFormat);
        if (blockAlign != format.BlockAlign)
            throw Fail(name, $"bad block align {blockAlign} (expected {format.BlockAlign} for {channels} channel(s) of {bits}-bit samples)");
        return format;
    }

    /// <summary>Skips the rest of a chunk whose first <paramref name="consumed"/> bytes were already read.</summary>
    private static void Skip(Stream stream, string name, string id, uint size, long consumed)
    {
        long remaining = size - consumed;
        if (remaining <= 0)
            return;
        if (stream.CanSeek)
        {
            long available = Math.Max(0, stream.Length - stream.Position);
            if (available < remaining)
                throw Fail(name, $"truncated {id} chunk ({consumed + available} of {size} bytes)");
            stream.Seek(remaining, SeekOrigin.Current);
            return;
        }

        Span<byte> scratch = stackalloc byte[512];
        while (remaining > 0)
        {
            int n = stream.Read(scratch[..(int)Math.Min(remaining, scratch.Length)]);
            if (n <= 0)
                throw Fail(name, $"truncated {id} chunk ({size - remaining} of {size} bytes)");
            remaining -= n;
        }
    }

    /// <summary>Skips the RIFF pad byte after an odd-sized chunk; a missing pad byte at the very end is tolerated.</summary>
    private static void SkipPadByte(Stream stream)
    {
        if (stream.CanSeek)
        {
            if (stream.Position < stream.Length)
                stream.Seek(1, SeekOrigin.Current);
        }
        else
        {
            stream.ReadByte();
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    internal static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n <= 0)
                break;
            total += n;
        }
        return total;
    }

    /// <summary>Shows a chunk id as <c>'LIST'</c> when printable, else as hex bytes.</summary>
    private static string DescribeId(ReadOnlySpan<byte> id)
    {
        foreach (byte b in id)
        {
            if (b < 0x20 || b > 0x7E)
                return "bytes " + Convert.ToHexString(id);
        }
        return "'" + Encoding.ASCII.GetString(id) + "'";
    }

    private static string TagName(ushort tag) => tag switch
    {
        0x0000 => "unknown",
        0x0001 => "PCM",
        0x0002 => "MS ADPCM",
        0x0003 => "IEEE float",
        0x0006 => "A-law",
        0x0007 => "µ-law",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG",
        0x0055 => "MPEG Layer 3",
        0x0161 or 0x0162 or 0x0163 => "Windows Media Audio",
        0x2000 => "AC-3",
        0xF1AC => "FLAC",
        _ => "unrecognised",
    };

    private static WavFormatException Fail(string name, string problem) => new(name, problem);
}
