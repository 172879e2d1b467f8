using Beryl.Media.Resampling;

namespace Beryl.Media.Audio;

/// <summary>
/// Plays every frame to one sink and copies it to another (a recorder, a file): the format is the first sink's, and
/// the copy is converted to the second's rate when they differ. Allocates nothing after construction.
/// </summary>
public sealed class TeeSink : IAudioSink
{
    private readonly IAudioSink _first, _second;
    private readonly Resampler? _resampler;
    private readonly float[] _converted = [];

    /// <summary>Joins two sinks with the same channel count.</summary>
    /// <exception cref="ArgumentException">The channel counts differ.</exception>
    public TeeSink(IAudioSink first, IAudioSink second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Format.Channels != second.Format.Channels)
            throw new ArgumentException($"a tee joins sinks of one channel count, not {first.Format.Channels} and {second.Format.Channels}", nameof(second));
        _first = first;
        _second = second;
        if (first.Format.SampleRate != second.Format.SampleRate)
        {
            _resampler = new Resampler(first.Format.SampleRate, second.Format.SampleRate, first.Format.Channels);
            _converted = new float[second.Format.InterleavedSamplesPer10Ms];
        }
    }

    /// <inheritdoc />
    public AudioFormat Format => _first.Format;

    /// <inheritdoc />
    public void Write(ReadOnlySpan<float> interleaved)
    {
        _first.Write(interleaved);
        if (_resampler is null)
        {
            _second.Write(interleaved);
            return;
        }
        int frames = _resampler.Process(interleaved, _converted);
        _second.Write(_converted.AsSpan(0, frames * Format.Channels));
    }
}
