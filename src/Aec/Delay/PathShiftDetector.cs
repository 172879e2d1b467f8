using Beryl.Aec.Simd;

namespace Beryl.Aec.Delay;

/// <summary>
/// Tells when the echo path has moved as a whole while the room stayed the same: a jitter buffer or a sound server
/// that inserts or drops audio before the loudspeaker moves the echo by milliseconds at once. The microphone is
/// correlated with the linear filter's echo estimate, which carries the room already, so the correlation peak is sharp
/// and sits at lag zero while the filter follows the path; a peak that holds at another lag is the path moved by
/// that lag, and moving the filter's window by it keeps all the filter has learnt (the delay estimator would take a
/// second to see the move, and the filter as long again to learn the room anew). Both signals are taken at 8 kHz,
/// and the microphone is delayed by the range searched so that a path that moved earlier is seen too.
/// </summary>
internal sealed class PathShiftDetector
{
    private const int Rate = 8000;
    // A caller's jitter buffer that waited out a burst of late packets (a machine that froze for a moment) moves its
    // playout by 60-100 ms at once.
    private const int RangeMs = 96;
    private const float Memory = 0.7f;               // per active frame: the last three or so frames count
    private const float MinimumCorrelation = 0.5f;   // normalised: the echo estimate explains the microphone there
    // A lag is a move when the echo estimate moved there would leave half the residual it leaves at lag zero (what is
    // left at each lag with the best gain is 1 - c² of the microphone). A bare ratio of correlations missed moves of
    // about a pitch period: a vowel still correlates with itself one period away, and by the time that faded the filter
    // had begun to adapt away from what it knew.
    private const float ResidualDrop = 0.5f;
    private const int SteadyFrames = 3;
    private const float ActiveEnergy = 1e-7f;        // -70 dBFS mean square

    private readonly int _factor, _block, _range;
    private readonly bool _simd;
    private readonly Decimator _micDecimator, _echoDecimator;
    private readonly float[] _micLine, _echoLine, _frame, _correlation, _echoEnergy, _echoPrefix;
    private float _micEnergy;
    private int _candidate, _steadyFrames;

    /// <param name="sampleRate">Rate of the audio fed in: 16 or 48 kHz.</param>
    /// <param name="simd">Use the vector kernels.</param>
    public PathShiftDetector(int sampleRate, bool simd)
    {
        _factor = sampleRate / Rate;
        _block = Rate / 100;
        _range = RangeMs * Rate / 1000;
        _simd = simd;
        _micDecimator = new Decimator(sampleRate, Rate);
        _echoDecimator = new Decimator(sampleRate, Rate);
        _micLine = new float[_range + _block];
        _echoLine = new float[2 * _range + _block];
        _frame = new float[_block];
        _correlation = new float[2 * _range + 1];
        _echoEnergy = new float[2 * _range + 1];
        _echoPrefix = new float[_echoLine.Length + 1];
    }

    /// <summary>Forgets what was correlated: after the filter's window moved, its past estimates belong to the old place.</summary>
    public void Reset()
    {
        Array.Clear(_micLine);
        Array.Clear(_echoLine);
        ClearCorrelation();
    }

    private void ClearCorrelation()
    {
        Array.Clear(_correlation);
        Array.Clear(_echoEnergy);
        _micEnergy = 0f;
        _steadyFrames = 0;
    }

    /// <summary>
    /// Feeds one 10 ms frame of the microphone and of the echo estimate the filter made for it. While
    /// <paramref name="armed"/> (the filter has lost a path it followed), returns true, with the move in samples at the
    /// rate fed in (positive: the echo now comes later), once a move has held for a few frames.
    /// </summary>
    public bool Add(ReadOnlySpan<float> mic, ReadOnlySpan<float> echo, bool armed, out double shift)
    {
        shift = 0;
        Append(_micLine, _micDecimator, mic);
        Append(_echoLine, _echoDecimator, echo);
        if (!armed)
        {
            // Correlating only while the filter struggles costs nothing while it follows its path.
            if (_micEnergy > 0f) ClearCorrelation();
            return false;
        }
        // The microphone block range samples back, against the estimates from range samples before it to range after.
        var micBlock = _micLine.AsSpan(0, _block);
        float micEnergy = SpectralMath.Energy(micBlock, _simd);
        if (micEnergy < ActiveEnergy * _block || SpectralMath.Energy(_echoLine.AsSpan(_range, _block), _simd) < ActiveEnergy * _block) return false;
        _micEnergy = Memory * _micEnergy + micEnergy;
        for (int i = 0; i < _echoLine.Length; i++) _echoPrefix[i + 1] = _echoPrefix[i] + _echoLine[i] * _echoLine[i];
        // Each lag's correlation is normalised by the energy of the estimates it saw: speech is loud at some lags and
        // silent at others, and a raw correlation would find the loud ones.
        int best = 0;
        float bestScore = float.MinValue;
        for (int lag = -_range; lag <= _range; lag++)
        {
            int at = lag + _range, start = _range - lag;
            _correlation[at] = Memory * _correlation[at] + SpectralMath.Dot(micBlock, _echoLine.AsSpan(start, _block), _simd);
            _echoEnergy[at] = Memory * _echoEnergy[at] + (_echoPrefix[start + _block] - _echoPrefix[start]);
            float score = Normalised(at);
            if (score > bestScore) (best, bestScore) = (lag, score);
        }
        // A peak on the edge of the range is no peak: the correlation may rise on beyond it.
        float atZero = Math.Max(Normalised(_range), 0f);
        bool moved = best != 0 && Math.Abs(best) < _range - 1 && bestScore > MinimumCorrelation && 1f - bestScore * bestScore < ResidualDrop * (1f - atZero * atZero);
        _steadyFrames = moved && Math.Abs(best - _candidate) <= 1 ? _steadyFrames + 1 : moved ? 1 : 0;
        _candidate = best;
        if (_steadyFrames < SteadyFrames) return false;
        shift = (best + PeakOffset(best)) * _factor;
        return true;
    }

    private float Normalised(int at) => _correlation[at] / MathF.Sqrt(_micEnergy * _echoEnergy[at] + 1e-20f);

    private void Append(float[] line, Decimator decimator, ReadOnlySpan<float> frame)
    {
        int n = decimator.Process(frame, _frame);
        line.AsSpan(n).CopyTo(line);
        _frame.AsSpan(0, n).CopyTo(line.AsSpan(line.Length - n));
    }

    // The peak between whole lags, from a parabola through the best lag and its neighbours.
    private float PeakOffset(int lag)
    {
        float before = Normalised(lag + _range - 1), at = Normalised(lag + _range), after = Normalised(lag + _range + 1);
        float curvature = before - 2 * at + after;
        return curvature < 0f ? 0.5f * (before - after) / curvature : 0f;
    }
}
