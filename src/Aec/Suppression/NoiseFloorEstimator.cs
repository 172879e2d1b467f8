namespace Beryl.Aec.Suppression;

/// <summary>
/// Tracks the stationary noise power per bin: follows a smoothed power down at once and lets the
/// floor creep up by about 3 dB per second, so speech and echo bursts do not lift it.
/// </summary>
internal sealed class NoiseFloorEstimator
{
    private const float Smoothing = 0.15f;
    private const float Rise = 1.007f;
    private readonly float[] _smoothed;
    private bool _started;

    public NoiseFloorEstimator(int bins)
    {
        _smoothed = new float[bins];
        Floor = new float[bins];
    }

    public float[] Floor { get; }

    public void Update(ReadOnlySpan<float> power)
    {
        if (!_started)
        {
            power.CopyTo(_smoothed);
            power.CopyTo(Floor);
            _started = true;
            return;
        }
        for (int k = 0; k < Floor.Length; k++)
        {
            _smoothed[k] += Smoothing * (power[k] - _smoothed[k]);
            Floor[k] = Math.Min(Floor[k] * Rise + 1e-20f, _smoothed[k]);
        }
    }
}
