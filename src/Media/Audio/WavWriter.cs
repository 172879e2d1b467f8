using System.Buffers.Binary;

namespace Beryl.Media.Audio;

/// <summary>
/// Streams interleaved float audio into a RIFF/WAVE file as 8/16/24/32-bit PCM (format tag 1) or
/// 32-bit IEEE float (format tag 3, with a <c>fact</c> chunk).
/// </summary>
/// <remarks>
/// The header is written immediately with unknown sizes (0xFFFFFFFF, which readers treat as a streamed
/// WAV), and patched with the real sizes by <see cref="Flush"/> and <see cref="Dispose"/> when the stream is
/// seekable. On a non-seekable stream the sizes stay 0xFFFFFFFF. Writing more than 4 GiB of audio also
/// leaves them at 0xFFFFFFFF. Conversion goes through one reusable buffer, so steady-state writing does not allocate.
/// </remarks>
public sealed class WavWriter : IDisposable
{
    private const int BufferSamples = 4096;
    private const int RiffSizeOffset = 4;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _start;
    private readonly int _headerSize;
    private readonly int _factValueOffset;
    private readonly byte[] _buffer;
    private long _dataBytes;
    private bool _disposed;

    /// <summary>Creates (or overwrites) a WAV file.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="format">The format to write; Pcm8, Pcm16, Pcm24, Pcm32 and Float32 are supported.</param>
    /// <exception cref="ArgumentException">The format is invalid (rate outside 1..768000, channels outside 1..8).</exception>
    public static WavWriter Create(string path, WavFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ValidateFormat(format);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        try
        {
            return new WavWriter(stream, format, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Writes a WAV header at the current position of <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream; if seekable, the header is patched on <see cref="Dispose"/>.</param>
    /// <param name="format">The format to write.</param>
    /// <param name="leaveOpen">When false the writer disposes the stream on <see cref="Dispose"/>.</param>
    /// <exception cref="ArgumentException">The stream is not writable or the format is invalid.</exception>
    public WavWriter(Stream stream, WavFormat format, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ValidateFormat(format);
        if (!stream.CanWrite)
            throw new ArgumentException("The stream must be writable.", nameof(stream));

        _stream = stream;
        _leaveOpen = leaveOpen;
        Format = format;
        _start = stream.CanSeek ? stream.Position : 0;
        _buffer = new byte[BufferSamples * format.BytesPerSample];

        bool isFloat = format.SampleFormat == WavSampleFormat.Float32;
        int fmtSize = isFloat ? 18 : 16;
        _headerSize = 12 + 8 + fmtSize + (isFloat ? 12 : 0) + 8;
        Span<byte> h = stackalloc byte[_headerSize];
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], uint.MaxValue);
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)fmtSize);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], (ushort)(isFloat ? 3 : 1));
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)format.Channels);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)format.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)format.BytesPerSecond);
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)format.BlockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], (ushort)format.BitsPerSample);
        int p = 36;
        if (isFloat)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h[p..], 0); // cbSize
            p += 2;
            "fact"u8.CopyTo(h[p..]);
            BinaryPrimitives.WriteUInt32LittleEndian(h[(p + 4)..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(h[(p + 8)..], uint.MaxValue);
            _factValueOffset = p + 8;
            p += 12;
        }
        else
        {
            _factValueOffset = -1;
        }
        "data"u8.CopyTo(h[p..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(p + 4)..], uint.MaxValue);
        stream.Write(h);
    }

    /// <summary>The format being written.</summary>
    public WavFormat Format { get; }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>
    /// Appends interleaved frames. Integer PCM is clamped to [-1, 1] and rounded to the nearest step
    /// (NaN is written as 0); Float32 samples are written unchanged.
    /// </summary>
    /// <param name="interleaved">Samples; the length must be a multiple of <see cref="WavFormat.Channels"/>.</param>
    /// <exception cref="ArgumentException">The length is not a multiple of the channel count.</exception>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int channels = Format.Channels;
        if (interleaved.Length % channels != 0)
            throw new ArgumentException($"The buffer length ({interleaved.Length}) must be a multiple of the channel count ({channels}).", nameof(interleaved));

        int bytesPerSample = Format.BytesPerSample;
        for (int offset = 0; offset < interleaved.Length; offset += BufferSamples)
        {
            ReadOnlySpan<float> part = interleaved.Slice(offset, Math.Min(BufferSamples, interleaved.Length - offset));
            Span<byte> bytes = _buffer.AsSpan(0, part.Length * bytesPerSample);
            WavSampleCodec.Encode(Format.SampleFormat, part, bytes);
            _stream.Write(bytes);
            _dataBytes += bytes.Length;
        }
        FramesWritten += interleaved.Length / channels;
    }

    /// <summary>Patches the header sizes for the audio written so far (if seekable) and flushes the stream.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PatchHeader(padWritten: false);
        _stream.Flush();
    }

    /// <summary>
    /// Writes the pad byte after an odd-sized data chunk, patches the RIFF, <c>fact</c> and <c>data</c>
    /// sizes (if the stream is seekable), and closes the stream unless leaveOpen was set. Safe to call twice.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            if ((_dataBytes & 1) != 0)
                _stream.WriteByte(0);
            PatchHeader(padWritten: true);
            _stream.Flush();
        }
        finally
        {
            if (!_leaveOpen)
                _stream.Dispose();
        }
    }

    /// <summary>Writes a whole multi-channel signal to a WAV file.</summary>
    /// <param name="path">The file to create or overwrite.</param>
    /// <param name="sampleRate">Frames per second, 1..768000.</param>
    /// <param name="channels">One array per channel (1..8), all of the same length.</param>
    /// <param name="format">The sample encoding; 16-bit PCM by default.</param>
    /// <exception cref="ArgumentException">The channel arrays are missing, of different lengths, or the format is invalid.</exception>
    public static void WriteAll(string path, int sampleRate, IReadOnlyList<float[]> channels, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Count == 0)
            throw new ArgumentException("At least one channel is required.", nameof(channels));
        int length = channels[0]?.Length ?? throw new ArgumentException("Channel 0 is null.", nameof(channels));
        for (int c = 1; c < channels.Count; c++)
        {
            if (channels[c] is null)
                throw new ArgumentException($"Channel {c} is null.", nameof(channels));
            if (channels[c].Length != length)
                throw new ArgumentException($"Channel {c} has {channels[c].Length} samples but channel 0 has {length}.", nameof(channels));
        }

        int count = channels.Count;
        using WavWriter writer = Create(path, new WavFormat(sampleRate, count, format));
        int blockFrames = BufferSamples / count;
        var block = new float[blockFrames * count];
        for (int start = 0; start < length; start += blockFrames)
        {
            int frames = Math.Min(blockFrames, length - start);
            for (int c = 0; c < count; c++)
            {
                float[] src = channels[c];
                for (int i = 0, j = c; i < frames; i++, j += count)
                    block[j] = src[start + i];
            }
            writer.Write(block.AsSpan(0, frames * count));
        }
    }

    private void PatchHeader(bool padWritten)
    {
        if (!_stream.CanSeek)
            return;
        long end = _stream.Position;
        long riffSize = _headerSize - 8 + _dataBytes + (padWritten ? _dataBytes & 1 : 0);
        uint riff = riffSize > uint.MaxValue ? uint.MaxValue : (uint)riffSize;
        uint data = _dataBytes >= uint.MaxValue ? uint.MaxValue : (uint)_dataBytes;
        uint frames = FramesWritten >= uint.MaxValue ? uint.MaxValue : (uint)FramesWritten;

        WriteUInt32At(RiffSizeOffset, riff);
        if (_factValueOffset >= 0)
            WriteUInt32At(_factValueOffset, frames);
        WriteUInt32At(_headerSize - 4, data);
        _stream.Position = end;
    }

    private void WriteUInt32At(int headerOffset, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        _stream.Position = _start + headerOffset;
        _stream.Write(bytes);
    }

    private static void ValidateFormat(WavFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        string? problem = format.GetProblem();
        if (problem is not null)
            throw new ArgumentException($"Cannot write WAV: {problem}.", nameof(format));
    }
}
