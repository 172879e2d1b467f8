namespace Beryl.Media.Codecs;

/// <summary>
/// The level of concealed audio over a long loss: full for a while (short gaps sound best bridged), then a linear
/// fade to silence, since extrapolating further than that sounds worse than a gap. Gains are per frame (sample
/// across channels), allocation-free.
/// </summary>
internal readonly struct ConcealmentFade
{
    private readonly int _hold;
    private readonly int _fade;

    /// <summary>Full level for <paramref name="holdMs"/>, silence <paramref name="fadeMs"/> later.</summary>
    public ConcealmentFade(int sampleRate, int holdMs, int fadeMs)
    {
        _hold = sampleRate / 1000 * holdMs;
        _fade = sampleRate / 1000 * fadeMs;
    }

    /// <summary>Frames after which the gain is 0 for good: counting concealed frames further is pointless.</summary>
    public int SilentAfter => _hold + _fade;

    /// <summary>The gain of the frame <paramref name="concealed"/> frames into the loss.</summary>
    public float Gain(int concealed) => concealed < _hold ? 1f : Math.Max(0f, 1f - (concealed - _hold) / (float)_fade);
}
