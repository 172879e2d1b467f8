namespace Beryl.Media.Audio;

/// <summary>
/// Streams audio out of a RIFF/WAVE file: 8/16/24/32-bit PCM, 32-bit IEEE float and
/// WAVE_FORMAT_EXTENSIBLE with a PCM or float sub-format, 1..8 channels, 1..768000 Hz.
/// </summary>
/// <remarks>
/// The header is parsed in the constructor; audio is then pulled with <see cref="Read"/>, which converts
/// through one reusable internal buffer (allocated on the first call), so steady-state reading allocates
/// nothing and the whole file is never held in memory. Unknown chunks (LIST, fact, JUNK, bext, …) are
/// skipped, odd-sized chunks are followed by their pad byte, and a data size of 0 or 0xFFFFFFFF means a
/// streamed WAV that is read to the end of the stream. Works on non-seekable streams. Chunks after the
/// audio are ignored. Malformed or unsupported headers throw <see cref="WavFormatException"/>; the only
/// other exceptions are argument errors and I/O errors from the stream itself.
/// </remarks>
public sealed class WavReader : IDisposable
{
    private const int TargetBufferBytes = 16 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _blockAlign;
    private readonly int _bufferFrames;
    private byte[]? _buffer;
    private long _framesRemaining;
    private bool _endOfStream;
    private bool _disposed;

    /// <summary>Opens a WAV file for streaming reads.</summary>
    /// <param name="path">The file to read; also used as <see cref="Name"/> in error messages.</param>
    /// <exception cref="FileNotFoundException">The file does not exist (other I/O exceptions also pass through).</exception>
    /// <exception cref="WavFormatException">The file is not a readable WAV file.</exception>
    public static WavReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
        return new WavReader(stream, path, leaveOpen: false);
    }

    /// <summary>Parses the WAV header at the current position of <paramref name="stream"/>.</summary>
    /// <param name="stream">A readable stream positioned at the start of the RIFF header; need not be seekable.</param>
    /// <param name="name">A name for the stream (usually the file path), used in error messages.</param>
    /// <param name="leaveOpen">When false the reader owns the stream: it disposes it on <see cref="Dispose"/>, and also when the header is rejected.</param>
    /// <exception cref="WavFormatException">The header is malformed, truncated or unsupported.</exception>
    public WavReader(Stream stream, string name, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (!stream.CanRead)
            throw new ArgumentException("The stream must be readable.", nameof(stream));

        _stream = stream;
        _leaveOpen = leaveOpen;
        Name = name;
        WavHeader header;
        try
        {
            header = WavHeaderParser.Parse(stream, name);
        }
        catch
        {
            if (!leaveOpen)
                stream.Dispose();
            throw;
        }

        Format = header.Format;
        _blockAlign = Format.BlockAlign;
        _bufferFrames = Math.Max(1, TargetBufferBytes / _blockAlign);
        FrameCount = header.DataSize / _blockAlign;
        _framesRemaining = FrameCount ?? long.MaxValue;
    }

    /// <summary>The file path or stream name given when opening, used in error messages.</summary>
    public string Name { get; }

    /// <summary>The audio format from the <c>fmt </c> chunk.</summary>
    public WavFormat Format { get; }

    /// <summary>
    /// Whole frames declared by the <c>data</c> chunk size, or null when the size is unknown
    /// (0 or 0xFFFFFFFF: a streamed WAV that is read until the end of the stream). A trailing partial
    /// frame in the declared size is not counted. The file may hold fewer frames; see <see cref="WasTruncated"/>.
    /// </summary>
    public long? FrameCount { get; }

    /// <summary>Frames returned by <see cref="Read"/> so far.</summary>
    public long FramesRead { get; private set; }

    /// <summary>
    /// True once reading hit the end of the stream before the declared data size, or (for a streamed WAV)
    /// in the middle of a frame. The whole frames that were present have been returned.
    /// </summary>
    public bool WasTruncated { get; private set; }

    /// <summary>
    /// Reads whole interleaved frames converted to float: integer PCM maps to [-1, 1); float files are
    /// returned as stored except NaN → 0 and ±∞ → ±1. Fills <paramref name="interleaved"/> completely
    /// unless the audio ends first.
    /// </summary>
    /// <param name="interleaved">Destination; its length must be a multiple of <see cref="WavFormat.Channels"/>.</param>
    /// <returns>The number of frames read; 0 at the end of the audio.</returns>
    /// <exception cref="ArgumentException">The length is not a multiple of the channel count.</exception>
    public int Read(Span<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int channels = Format.Channels;
        if (interleaved.Length % channels != 0)
            throw new ArgumentException($"The buffer length ({interleaved.Length}) must be a multiple of the channel count ({channels}).", nameof(interleaved));

        long wanted = Math.Min(interleaved.Length / channels, _framesRemaining);
        if (wanted == 0 || _endOfStream)
            return 0;

        byte[] buffer = _buffer ??= new byte[_bufferFrames * _blockAlign];
        int done = 0;
        while (done < wanted)
        {
            int bytesWanted = (int)Math.Min(wanted - done, _bufferFrames) * _blockAlign;
            int filled = 0;
            while (filled < bytesWanted)
            {
                int n = _stream.Read(buffer, filled, bytesWanted - filled);
                if (n <= 0)
                {
                    _endOfStream = true;
                    break;
                }
                filled += n;
            }

            int frames = filled / _blockAlign;
            WavSampleCodec.Decode(Format.SampleFormat, buffer.AsSpan(0, frames * _blockAlign), interleaved.Slice(done * channels, frames * channels));
            done += frames;
            if (_endOfStream)
            {
                if (FrameCount is not null || filled % _blockAlign != 0)
                    WasTruncated = true;
                break;
            }
        }

        FramesRead += done;
        _framesRemaining -= done;
        return done;
    }

    /// <summary>
    /// Reads all remaining frames and returns them de-interleaved as [channel][frame]. Memory is bounded by
    /// the audio actually present (for seekable streams, by the stream length, whatever the header claims).
    /// </summary>
    /// <exception cref="InvalidOperationException">The audio has more frames than fit in an array.</exception>
    public float[][] ReadToEnd()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int channels = Format.Channels;
        long capacity = _framesRemaining;
        if (_stream.CanSeek)
            capacity = Math.Min(capacity, Math.Max(0, _stream.Length - _stream.Position) / _blockAlign);
        else
            capacity = Math.Min(capacity, 1 << 14);
        if (capacity > Array.MaxLength)
            throw new InvalidOperationException($"{Name}: too many frames to load into memory; use Read instead.");

        var result = new float[channels][];
        for (int c = 0; c < channels; c++)
            result[c] = new float[capacity];

        var block = new float[_bufferFrames * channels];
        long total = 0;
        int n;
        while ((n = Read(block)) > 0)
        {
            if (total + n > result[0].Length)
            {
                long grown = Math.Max(total + n, Math.Min((long)result[0].Length * 2, Array.MaxLength));
                if (grown > Array.MaxLength)
                    throw new InvalidOperationException($"{Name}: too many frames to load into memory; use Read instead.");
                for (int c = 0; c < channels; c++)
                    Array.Resize(ref result[c], (int)grown);
            }

            for (int c = 0; c < channels; c++)
            {
                float[] dst = result[c];
                for (int i = 0, j = c; i < n; i++, j += channels)
                    dst[total + i] = block[j];
            }
            total += n;
        }

        if (total != result[0].Length)
        {
            for (int c = 0; c < channels; c++)
                Array.Resize(ref result[c], (int)total);
        }
        return result;
    }

    /// <summary>Reads a whole WAV file into memory, de-interleaved as [channel][frame].</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="format">Receives the file's format.</param>
    /// <returns>One array per channel, all of the same length. A truncated data chunk yields the frames present.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WavFormatException">The file is not a readable WAV file.</exception>
    public static float[][] ReadAllChannels(string path, out WavFormat format)
    {
        using WavReader reader = Open(path);
        format = reader.Format;
        return reader.ReadToEnd();
    }

    /// <summary>Closes the stream unless the reader was created with leaveOpen. Safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _buffer = null;
        if (!_leaveOpen)
            _stream.Dispose();
    }
}
