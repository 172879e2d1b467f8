namespace Beryl.Media.Audio;

/// <summary>A sink that discards everything and counts the frames it was given.</summary>
public sealed class NullSink : IAudioSink
{
    /// <summary>Creates a sink accepting <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException">The format is not valid.</exception>
    public NullSink(AudioFormat format)
    {
        format.Validate();
        Format = format;
    }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>Counts the whole frames in <paramref name="interleaved"/> and discards them.</summary>
    public void Write(ReadOnlySpan<float> interleaved) => FramesWritten += interleaved.Length / Format.Channels;
}
