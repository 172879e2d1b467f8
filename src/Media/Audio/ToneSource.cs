namespace Beryl.Media.Audio;

/// <summary>An endless sine tone, the same on every channel, starting at phase 0.</summary>
public sealed class ToneSource : IAudioSource
{
    private readonly double _phaseStep;
    private readonly float _amplitude;
    private double _phase;

    /// <summary>Creates a tone of <paramref name="frequency"/> Hz and peak <paramref name="amplitude"/>.</summary>
    /// <param name="format">The format to produce.</param>
    /// <param name="frequency">Hz, 0 up to (but not including) half the sample rate.</param>
    /// <param name="amplitude">Peak value, 0..1.</param>
    /// <exception cref="ArgumentException">The format is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The frequency or amplitude is out of range.</exception>
    public ToneSource(AudioFormat format, double frequency, float amplitude)
    {
        format.Validate();
        if (!(frequency >= 0 && frequency < format.SampleRate / 2.0))
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, $"The frequency must be in [0, {format.SampleRate / 2} Hz).");
        if (!(amplitude is >= 0f and <= 1f))
            throw new ArgumentOutOfRangeException(nameof(amplitude), amplitude, "The amplitude must be in [0, 1].");
        Format = format;
        Frequency = frequency;
        _amplitude = amplitude;
        _phaseStep = 2 * Math.PI * frequency / format.SampleRate;
    }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <summary>The tone's frequency in Hz.</summary>
    public double Frequency { get; }

    /// <summary>Fills <paramref name="interleaved"/> with the next samples of the tone; never ends.</summary>
    public int Read(Span<float> interleaved)
    {
        int channels = Format.Channels;
        int frames = interleaved.Length / channels;
        for (int i = 0; i < frames; i++)
        {
            float v = _amplitude * (float)Math.Sin(_phase);
            // Wrapping keeps the phase small, so long runs do not lose precision.
            _phase += _phaseStep;
            if (_phase >= 2 * Math.PI)
                _phase -= 2 * Math.PI;
            interleaved.Slice(i * channels, channels).Fill(v);
        }
        return frames;
    }
}
