namespace Beryl.Media.Audio;

/// <summary>
/// Writes the audio it is given to a WAV file through <see cref="WavWriter"/>; <see cref="Dispose"/> finalises
/// the header. Writing converts through the writer's reusable buffer but does file I/O, so keep it off a
/// real-time thread or accept the occasional stall.
/// </summary>
public sealed class WavFileSink : IAudioSink, IDisposable
{
    private readonly WavWriter _writer;

    /// <summary>Creates (or overwrites) <paramref name="path"/>.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="format">The format the sink accepts and the file holds.</param>
    /// <param name="sampleFormat">The encoding of the file; 32-bit float keeps the samples exact.</param>
    /// <exception cref="ArgumentException">The format is not valid.</exception>
    public WavFileSink(string path, AudioFormat format, WavSampleFormat sampleFormat = WavSampleFormat.Float32)
    {
        format.Validate();
        Format = format;
        _writer = WavWriter.Create(path, new WavFormat(format.SampleRate, format.Channels, sampleFormat));
    }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten => _writer.FramesWritten;

    /// <summary>Appends the whole frames of <paramref name="interleaved"/> to the file.</summary>
    public void Write(ReadOnlySpan<float> interleaved) =>
        _writer.Write(interleaved[..(interleaved.Length - interleaved.Length % Format.Channels)]);

    /// <summary>Patches the header with the final sizes and closes the file. Safe to call twice.</summary>
    public void Dispose() => _writer.Dispose();
}
