namespace Beryl.Media.Codecs;

/// <summary>
/// Mono packet loss concealment by pitch repetition, after G.711 Appendix I: at the start of a loss the pitch
/// period of the last 20 ms is found by normalised autocorrelation (66..200 Hz, so higher voices repeat several
/// periods), the last period is repeated at full level for 10 ms and then faded linearly to silence at 60 ms, and
/// the first audio after the loss is cross-faded from the continuing repetition. Allocation-free after construction.
/// </summary>
internal sealed class PitchRepetitionConcealer
{
    private const int MinPitchHz = 66;
    private const int MaxPitchHz = 200;
    private const int CorrelationWindowMs = 20;
    private const int HoldMs = 10;
    private const int FadeMs = 50;
    private const int BlendMs = 4;

    private readonly float[] _history;
    private readonly float[] _period;
    private readonly int _minPitch;
    private readonly int _window;
    private readonly ConcealmentFade _fade;
    private readonly int _blend;

    private int _pitch;
    private int _phase;

    // Samples concealed since the last audio received, counted up to the end of the fade only.
    private int _lost;

    /// <summary>A concealer for mono audio at <paramref name="sampleRate"/>.</summary>
    public PitchRepetitionConcealer(int sampleRate)
    {
        _minPitch = sampleRate / MaxPitchHz;
        _period = new float[sampleRate / MinPitchHz];
        _window = sampleRate / 1000 * CorrelationWindowMs;
        _history = new float[_period.Length + _window];
        _fade = new ConcealmentFade(sampleRate, HoldMs, FadeMs);
        _blend = sampleRate / 1000 * BlendMs;
    }

    /// <summary>Takes in decoded audio, first cross-fading its start from the concealment if a loss just ended.</summary>
    public void Receive(Span<float> decoded)
    {
        if (_lost > 0)
        {
            int blend = Math.Min(_blend, decoded.Length);
            for (int i = 0; i < blend; i++)
            {
                float weight = (i + 1f) / (blend + 1f);
                decoded[i] = weight * decoded[i] + (1 - weight) * NextConcealed();
            }

            _lost = 0;
        }

        Remember(decoded);
    }

    /// <summary>Fills <paramref name="output"/> with the continuation of the audio received last.</summary>
    public void Conceal(Span<float> output)
    {
        if (_lost == 0)
            StartLoss();
        for (int i = 0; i < output.Length; i++)
            output[i] = NextConcealed();
        Remember(output);
    }

    private void StartLoss()
    {
        _pitch = EstimatePitch();
        _history.AsSpan(_history.Length - _pitch).CopyTo(_period);
        _phase = 0;
    }

    private float NextConcealed()
    {
        float sample = _period[_phase] * _fade.Gain(_lost);
        if (++_phase == _pitch)
            _phase = 0;
        _lost = Math.Min(_lost + 1, _fade.SilentAfter);
        return sample;
    }

    /// <summary>The lag that best predicts the last <see cref="_window"/> samples from those a lag earlier.</summary>
    private int EstimatePitch()
    {
        ReadOnlySpan<float> recent = _history.AsSpan(_history.Length - _window);
        int best = _period.Length;
        double bestScore = 0;
        for (int lag = _minPitch; lag <= _period.Length; lag++)
        {
            ReadOnlySpan<float> earlier = _history.AsSpan(_history.Length - _window - lag, _window);
            double cross = 0, energy = 0;
            for (int i = 0; i < _window; i++)
            {
                cross += recent[i] * earlier[i];
                energy += earlier[i] * earlier[i];
            }

            // cross / sqrt(energy) ranks lags like the normalised correlation, recent's energy being common to all.
            double score = energy > 0 && cross > 0 ? cross * cross / energy : 0;
            if (score > bestScore)
            {
                bestScore = score;
                best = lag;
            }
        }

        return best;
    }

    private void Remember(ReadOnlySpan<float> audio)
    {
        if (audio.Length >= _history.Length)
        {
            audio[^_history.Length..].CopyTo(_history);
            return;
        }

        _history.AsSpan(audio.Length).CopyTo(_history);
        audio.CopyTo(_history.AsSpan(_history.Length - audio.Length));
    }
}
