using Beryl.Aec.Fft;
using Beryl.Aec.Simd;

namespace Beryl.Aec.Delay;

/// <summary>
/// Finds the bulk render-to-capture delay by generalised cross-correlation on 4 kHz band-limited
/// signals. For every 10 ms frame lag p it keeps a leaky, SCOT-weighted cross-spectrum between the
/// current capture block and the render block p frames back; the inverse FFT of that spectrum is the
/// cross-correlation over lags p*B..p*B+B. A few lags are searched per frame in turn, so the cost per
/// frame is constant. Delays are in samples of the processed capture stream (never negative).
/// </summary>
internal sealed class DelayEstimator
{
    private const int LowRate = 4000;
    private const int Block = LowRate / 100;        // 40 samples = 10 ms
    private const int Bins = Block + 1;
    private const int SearchesPerFrame = 3;
    private const float MinSmoothing = 0.01f;
    private const float Separation = 8f;             // 2 ms: closer peaks are one peak
    private const float SilenceEnergy = 1e-6f * Block;   // -60 dBFS
    // The loudest recent render block's energy falls 1 dB a second when nothing louder comes.
    private const float RenderPeakDecay = 0.9977f;

    private readonly int _factor;
    private readonly int _lags;                      // frame lags searched, 0.._lags-1
    private readonly float _coveredBefore, _coveredAfter;   // low-rate samples around the best peak that hold no rivals
    private readonly bool _simd;
    private readonly RealFft _fft = new(2 * Block, simd: true);
    private readonly Decimator _renderDecimator, _captureDecimator;

    // Render side: low-rate samples of the last two blocks and the spectra of the last _lags blocks.
    private readonly float[] _renderLow = new float[2 * Block];
    private readonly float[] _decimated;
    private int _renderFill;
    private long _renderBlocks;
    private readonly float[][] _xRe, _xIm;
    private readonly float[] _renderPower = new float[Bins], _capturePower = new float[Bins];

    // Capture side and the accumulated cross-spectra.
    private readonly float[] _captureLow = new float[Block];
    private readonly float[] _window = new float[2 * Block];
    private readonly float[] _cRe = new float[Bins], _cIm = new float[Bins], _gRe = new float[Bins], _gIm = new float[Bins];
    private readonly float[] _power = new float[Bins];
    private readonly float[][] _sRe, _sIm;
    private readonly float[] _peakValue, _correlation = new float[2 * Block];
    private readonly float[] _peakLag;
    private readonly long[] _lagUpdates;
    private int _searchCursor, _bestLag;
    private long _updates;
    private readonly float[] _renderBlockEnergy;
    private float _renderPeakEnergy;

    /// <param name="sampleRate">Rate of the audio fed in.</param>
    /// <param name="maxDelaySamples">Longest delay searched, in samples at <paramref name="sampleRate"/>.</param>
    /// <param name="coveredBeforeSamples">How far before the strongest peak a filter placed there still reaches.</param>
    /// <param name="coveredAfterSamples">
    /// How long after the strongest peak its early reflections come: peaks there are the room, as strong as the direct
    /// path at times, not rival delays, and a filter placed at the strongest peak covers them.
    /// </param>
    /// <param name="simd">Use the vector kernels.</param>
    public DelayEstimator(int sampleRate, int maxDelaySamples, int coveredBeforeSamples, int coveredAfterSamples, bool simd)
    {
        _factor = sampleRate / LowRate;
        _coveredBefore = Math.Max(Separation, (float)coveredBeforeSamples / _factor);
        _coveredAfter = Math.Max(Separation, (float)coveredAfterSamples / _factor);
        _simd = simd;
        _decimated = new float[sampleRate / 100 / _factor + 1];
        _renderDecimator = new Decimator(sampleRate, LowRate);
        _captureDecimator = new Decimator(sampleRate, LowRate);
        _lags = (maxDelaySamples / _factor + Block - 1) / Block + 1;
        _xRe = Jagged(_lags, Bins); _xIm = Jagged(_lags, Bins);
        _sRe = Jagged(_lags, Bins); _sIm = Jagged(_lags, Bins);
        _peakValue = new float[_lags];
        _peakLag = new float[_lags];
        _renderBlockEnergy = new float[_lags];
        _lagUpdates = new long[_lags];
    }

    /// <summary>Delay of the strongest echo path in full-rate samples; valid when <see cref="HasEstimate"/>.</summary>
    public double DelaySamples { get; private set; }

    /// <summary>0..1: how clearly the best peak stands out from the others.</summary>
    public double Confidence { get; private set; }

    public bool HasEstimate { get; private set; }

    private static float[][] Jagged(int n, int m)
    {
        var a = new float[n][];
        for (int i = 0; i < n; i++) a[i] = new float[m];
        return a;
    }

    /// <summary>Feeds mono render audio (full rate, whole 10 ms frames).</summary>
    public void AddRender(ReadOnlySpan<float> mono)
    {
        int n = _renderDecimator.Process(mono, _decimated);
        for (int i = 0; i < n; i++)
        {
            _renderLow[Block + _renderFill++] = _decimated[i];
            if (_renderFill == Block)
            {
                CompleteRenderBlock();
                _renderFill = 0;
            }
        }
    }

    private void CompleteRenderBlock()
    {
        int slot = (int)(_renderBlocks % _lags);
        _fft.Forward(_renderLow, _xRe[slot], _xIm[slot]);
        SpectralMath.Power(_xRe[slot], _xIm[slot], _power, _simd);
        SpectralMath.Smooth(_power, _renderPower, 0.05f, _simd);
        float energy = _renderBlockEnergy[slot] = SpectralMath.Energy(_renderLow.AsSpan(Block), _simd);
        if (energy > _renderPeakEnergy && _renderPeakEnergy > SilenceEnergy) DiscountEvidence(MathF.Sqrt(_renderPeakEnergy / energy));
        _renderPeakEnergy = Math.Max(energy, _renderPeakEnergy * RenderPeakDecay);
        _renderLow.AsSpan(Block).CopyTo(_renderLow);
        _renderBlocks++;
    }

    // A render block louder than any recent one scales what every lag has learnt by the rise in amplitude, so that
    // evidence gathered from a much quieter render counts for little against the new one. Such a render is most often
    // another source: the near-end talker whom the far end sends back faintly (its canceller leaking), which
    // correlates with the capture at some lag. Weighed as much as the far-end talk that follows, that lag held the
    // estimate for seconds after the talk began. Within one talker's level the scaling is small and the same for
    // every lag, so which lag leads does not change; the estimate itself stays until a peak that stands out replaces it.
    private void DiscountEvidence(float scale)
    {
        for (int p = 0; p < _lags; p++)
        {
            SpectralMath.Scale(_sRe[p], scale, _simd);
            SpectralMath.Scale(_sIm[p], scale, _simd);
            _peakValue[p] *= scale;
        }
    }

    /// <summary>
    /// Feeds one mono frame of processed capture audio. <paramref name="captureBlock"/> is the block
    /// index of this frame in the capture stream, so that it lines up with render block numbers.
    /// </summary>
    public void AddCapture(ReadOnlySpan<float> mono, long captureBlock)
    {
        int n = _captureDecimator.Process(mono, _captureLow);
        if (n != Block) return;
        Array.Clear(_window, 0, Block);
        _captureLow.AsSpan().CopyTo(_window.AsSpan(Block));
        _fft.Forward(_window, _cRe, _cIm);
        SpectralMath.Power(_cRe, _cIm, _power, _simd);
        SpectralMath.Smooth(_power, _capturePower, 0.05f, _simd);

        if (SpectralMath.Energy(_captureLow, _simd) > SilenceEnergy) Accumulate(captureBlock);
        Search();
    }

    // Each lag learns only from frames in which its render block carried sound, so silence on
    // either side (near-end single talk, pauses) neither adds noise nor erases what was learnt.
    private void Accumulate(long captureBlock)
    {
        float floor = 1e-12f;
        for (int k = 0; k < Bins; k++)
        {
            float weight = 1f / MathF.Sqrt(_renderPower[k] * _capturePower[k] + floor);
            _gRe[k] = _cRe[k] * weight;
            _gIm[k] = _cIm[k] * weight;
        }
        bool any = false;
        for (int p = 0; p < _lags; p++)
        {
            long block = captureBlock - p;
            if (block < 0 || block >= _renderBlocks || block < _renderBlocks - _lags) continue;
            int slot = (int)(block % _lags);
            if (_renderBlockEnergy[slot] < SilenceEnergy) continue;
            any = true;
            float alpha = Math.Max(MinSmoothing, 1f / ++_lagUpdates[p]);
            SpectralMath.DecayConjugateMultiplyAccumulate(_xRe[slot], _xIm[slot], _gRe, _gIm, _sRe[p], _sIm[p], 1f - alpha, alpha, _simd);
        }
        if (any) _updates++;
    }

    private void Search()
    {
        if (_updates == 0) return;
        for (int i = 0; i <= SearchesPerFrame; i++)
        {
            // The best lag so far is searched every frame, the others in turn.
            int p = i == SearchesPerFrame ? _bestLag : _searchCursor;
            if (i < SearchesPerFrame) _searchCursor = (_searchCursor + 1) % _lags;
            _fft.Inverse(_sRe[p], _sIm[p], _correlation);
            int best = 0;
            float bestValue = -1f;
            for (int l = 0; l < Block; l++)
            {
                float v = MathF.Abs(_correlation[l]);
                if (v > bestValue) { bestValue = v; best = l; }
            }
            float offset = 0f;
            if (best > 0 && best < Block - 1)
            {
                float a = MathF.Abs(_correlation[best - 1]), c = MathF.Abs(_correlation[best + 1]);
                float denominator = a - 2 * bestValue + c;
                if (denominator < 0f) offset = 0.5f * (a - c) / denominator;
            }
            _peakValue[p] = bestValue;
            _peakLag[p] = p * Block + best + offset;
        }
        UpdateEstimate();
    }

    private void UpdateEstimate()
    {
        int best = 0;
        for (int p = 1; p < _lags; p++) if (_peakValue[p] > _peakValue[best]) best = p;
        float bestValue = _peakValue[best];
        if (bestValue <= 0f) return;
        _bestLag = best;
        float second = 0f;
        for (int p = 0; p < _lags; p++)
        {
            float after = _peakLag[p] - _peakLag[best];
            if (p == best || (after > -_coveredBefore && after < _coveredAfter)) continue;
            second = Math.Max(second, _peakValue[p]);
        }
        Confidence = Math.Clamp(1.0 - second / bestValue, 0.0, 1.0);
        if (Confidence > 0.3 && _updates > 20)
        {
            DelaySamples = _peakLag[best] * _factor;
            HasEstimate = true;
        }
    }
}
