namespace Beryl.Media.Audio;

/// <summary>
/// Streams a WAV file through <see cref="WavReader"/> in the file's own format, optionally looping.
/// Reading converts through the reader's reusable buffer but does file I/O; a loop reopens the file,
/// which allocates once per pass.
/// </summary>
public sealed class WavFileSource : IAudioSource, IDisposable
{
    private readonly string _path;
    private WavReader _reader;

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <param name="path">The WAV file.</param>
    /// <param name="loop">Start again from the beginning at the end of the file, so the source never ends (unless the file is empty).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WavFormatException">The file is not a readable WAV file, or its rate or channel count is not one the pipeline carries.</exception>
    public WavFileSource(string path, bool loop = false)
    {
        _path = path;
        Loop = loop;
        _reader = WavReader.Open(path);
        var format = new AudioFormat(_reader.Format.SampleRate, _reader.Format.Channels);
        if (!format.IsValid)
        {
            _reader.Dispose();
            throw new WavFormatException(path, $"{format} cannot be streamed: the pipeline needs 8000..192000 Hz in steps of 100 and 1 or 2 channels");
        }
        Format = format;
    }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <summary>Whether the file starts again when it ends.</summary>
    public bool Loop { get; }

    /// <summary>
    /// Fills <paramref name="interleaved"/> from the file and returns the frames read: fewer than asked once a
    /// non-looping file ends.
    /// </summary>
    public int Read(Span<float> interleaved)
    {
        int channels = Format.Channels;
        int wanted = interleaved.Length / channels;
        int done = _reader.Read(interleaved[..(wanted * channels)]);
        while (Loop && done < wanted)
        {
            _reader.Dispose();
            _reader = WavReader.Open(_path);
            int n = _reader.Read(interleaved[(done * channels)..(wanted * channels)]);
            if (n == 0)
                break;
            done += n;
        }
        return done;
    }

    /// <summary>Closes the file. Safe to call twice.</summary>
    public void Dispose() => _reader.Dispose();
}
