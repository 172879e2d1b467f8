namespace Beryl.Media.Audio;

/// <summary>
/// Keeps what is written in a buffer allocated up front, for tests and metrics. Writing never allocates:
/// frames beyond the capacity are dropped and counted. One thread writes; read the recording once it has stopped.
/// </summary>
public sealed class RecordingSink : IAudioSink
{
    private readonly float[] _samples;
    private int _length;

    /// <summary>Creates a sink that can hold <paramref name="capacityFrames"/> frames of <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException">The format is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is negative or too large for one array.</exception>
    public RecordingSink(AudioFormat format, int capacityFrames)
    {
        format.Validate();
        if (capacityFrames < 0 || (long)capacityFrames * format.Channels > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(capacityFrames), capacityFrames, "The capacity must be between 0 and what one array can hold.");
        Format = format;
        _samples = new float[capacityFrames * format.Channels];
    }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <summary>The most frames the sink keeps.</summary>
    public int CapacityFrames => _samples.Length / Format.Channels;

    /// <summary>Frames kept so far.</summary>
    public int FramesRecorded => _length / Format.Channels;

    /// <summary>Frames that arrived after the buffer was full and were dropped.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>The interleaved samples kept so far.</summary>
    public ReadOnlySpan<float> Samples => _samples.AsSpan(0, _length);

    /// <summary>Appends the whole frames of <paramref name="interleaved"/> that fit; drops and counts the rest.</summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        int channels = Format.Channels;
        int frames = interleaved.Length / channels;
        int kept = Math.Min(frames, (_samples.Length - _length) / channels);
        interleaved[..(kept * channels)].CopyTo(_samples.AsSpan(_length));
        _length += kept * channels;
        DroppedFrames += frames - kept;
    }

    /// <summary>Forgets the recording (and the drop count) so the buffer can be reused.</summary>
    public void Clear()
    {
        _length = 0;
        DroppedFrames = 0;
    }
}
