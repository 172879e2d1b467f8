namespace Beryl.Aec.Suppression;

/// <summary>
/// Tracks the stationary background noise per bin: follows a smoothed power down at once and lets the
/// floor creep up by about 3 dB per second. It may only rise where the echo estimate is negligible, so
/// steady echo (continuous music, say) is never mistaken for the room's background. A bin whose noise
/// has never been observed without echo reads as zero.
/// </summary>
internal sealed class NoiseFloorEstimator
{
    private const float Smoothing = 0.15f;
    private const float Rise = 1.007f;
    // The minimum of a smoothed noise power sits about 4 dB under its mean.
    private const float MinimumBias = 2.5f;
    private readonly float[] _smoothed, _floor;
    private bool _started;

    public NoiseFloorEstimator(int bins)
    {
        _smoothed = new float[bins];
        _floor = new float[bins];
        Array.Fill(_floor, float.PositiveInfinity);
        Floor = new float[bins];
    }

    public float[] Floor { get; }

    public void Update(ReadOnlySpan<float> power, ReadOnlySpan<float> echoPower)
    {
        if (!_started)
        {
            power.CopyTo(_smoothed);
            _started = true;
        }
        for (int k = 0; k < _floor.Length; k++)
        {
            _smoothed[k] = Math.Max(_smoothed[k] + Smoothing * (power[k] - _smoothed[k]), Simd.SpectralMath.PowerFloor);
            bool echoFree = echoPower[k] < 0.1f * power[k];
            float floor = echoFree ? _floor[k] * Rise + 1e-20f : _floor[k];
            if (echoFree || float.IsFinite(floor)) floor = Math.Min(floor, _smoothed[k]);
            _floor[k] = floor;
            Floor[k] = float.IsFinite(floor) ? MinimumBias * floor : 0f;
        }
    }
}
