using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Beryl.Media.Audio;

namespace Beryl.Media.Resampling;

/// <summary>
/// Streaming sample-rate converter by the rational ratio L/M (output/input reduced by their gcd): a polyphase FIR whose
/// prototype is a Kaiser-windowed sinc at L × the input rate. The passband reaches 0.45 × the lower of the two rates,
/// the stopband starts at half the lower rate (so nothing above the output Nyquist folds back, and no image of the
/// input spectrum survives). Measured on every supported pair tested: stopband at least 91 dB down, passband ripple
/// under 0.0003 dB, linear phase. The price is a group delay of 57 to 60 frames of the lower rate (7.2 to 7.5 ms when
/// one side is 8 kHz, 3.6 to 3.7 ms at 16 kHz, 1.3 to 1.4 ms between 44.1 and 48 kHz): see <see cref="DelayFrames"/>.
/// </summary>
/// <remarks>
/// All memory is allocated by the constructor; <see cref="Process"/> neither allocates nor locks, so it can run on an
/// audio thread. The output position advances in integers (no floating-point phase), so for rates that are multiples of
/// 100 every whole 10 ms input frame yields exactly one whole 10 ms output frame, forever. Equal rates copy through
/// with no delay. Not thread-safe: one instance per stream.
/// </remarks>
public sealed class Resampler
{
    /// <summary>Stopband attenuation the prototype is designed for; Kaiser's length formula is approximate, hence the margin over 80 dB.</summary>
    private const double DesignAttenuationDb = 90;

    /// <summary>Passband edge and stopband edge as fractions of the lower rate.</summary>
    private const double PassbandEdge = 0.45, StopbandEdge = 0.5;

    /// <summary>Input frames deinterleaved per pass; bounds the work buffers whatever the caller's chunk size.</summary>
    private const int BlockFrames = 1024;

    /// <summary>Taps per phase are a multiple of this (a longer window, not zero padding) so dot products need no scalar tail with 4- or 8-float vectors.</summary>
    private const int TapAlignment = 8;

    private readonly int _up;   // L
    private readonly int _down; // M
    private readonly int _taps; // per phase
    private readonly int _stepFrames, _stepPhase; // M as whole input frames and remaining grid steps
    private readonly float[] _coefficients; // phase p at [p * _taps, (p + 1) * _taps), in the order the history is read
    private readonly float[][] _history;    // per channel: _taps - 1 past frames, then up to BlockFrames new ones

    // Position of the next output on the L × input-rate grid, relative to the first frame of the current block.
    private int _time;

    /// <summary>Creates a converter; the filter is designed here, once.</summary>
    /// <param name="inputRate">Input frames per second: 8000..192000 Hz in steps of 100 (as <see cref="AudioFormat"/>).</param>
    /// <param name="outputRate">Output frames per second, same range.</param>
    /// <param name="channels">1 or 2; channels are filtered independently.</param>
    /// <exception cref="ArgumentException">A rate or the channel count is outside what <see cref="AudioFormat"/> allows.</exception>
    public Resampler(int inputRate, int outputRate, int channels)
    {
        new AudioFormat(inputRate, channels).Validate();
        new AudioFormat(outputRate, channels).Validate();
        InputRate = inputRate;
        OutputRate = outputRate;
        Channels = channels;

        int gcd = Gcd(inputRate, outputRate);
        _up = outputRate / gcd;
        _down = inputRate / gcd;
        _stepFrames = _down / _up;
        _stepPhase = _down % _up;
        if (inputRate == outputRate)
        {
            _taps = 1;
            _coefficients = [];
            _history = [];
            return;
        }

        // Frequencies in cycles per sample of the prototype's rate, L × input rate.
        double prototypeRate = (double)inputRate * _up;
        double lower = Math.Min(inputRate, outputRate);
        double transition = (StopbandEdge - PassbandEdge) * lower / prototypeRate;
        double cutoff = (StopbandEdge + PassbandEdge) / 2 * lower / prototypeRate;
        int minimumTaps = (KaiserLowPass.Length(DesignAttenuationDb, transition) + _up - 1) / _up;
        _taps = (minimumTaps + TapAlignment - 1) / TapAlignment * TapAlignment;

        // Zero-stuffing by L divides the level by L: the prototype's gain of L restores it.
        var prototype = new double[_taps * _up];
        KaiserLowPass.Design(prototype, cutoff, KaiserLowPass.Beta(DesignAttenuationDb), _up);

        // Output at grid time t = i·L + p reads frames i-k with prototype tap p + k·L; the history holds frame i-k at
        // offset (_taps - 1 - k) from the window start, so phase p is stored with k reversed.
        _coefficients = new float[_taps * _up];
        for (int p = 0; p < _up; p++)
            for (int k = 0; k < _taps; k++)
                _coefficients[p * _taps + _taps - 1 - k] = (float)prototype[p + k * _up];

        _history = new float[channels][];
        for (int c = 0; c < channels; c++)
            _history[c] = new float[_taps - 1 + BlockFrames];
    }

    /// <summary>Input frames per second.</summary>
    public int InputRate { get; }

    /// <summary>Output frames per second.</summary>
    public int OutputRate { get; }

    /// <summary>Interleaved channels per frame, in and out.</summary>
    public int Channels { get; }

    /// <summary>
    /// Group delay in output frames (the filter is linear-phase, so every frequency is delayed alike): input frame j
    /// comes out centred on output frame j × OutputRate / InputRate + <see cref="DelayFrames"/>. Zero for equal rates.
    /// </summary>
    public double DelayFrames => IsPassThrough ? 0 : (_taps * _up - 1) / (2.0 * _down);

    /// <summary>Filter taps per output sample and channel (the cost of the converter).</summary>
    internal int TapsPerPhase => _taps;

    private bool IsPassThrough => _coefficients.Length == 0;

    /// <summary>
    /// The most output frames one <see cref="Process"/> call can return for <paramref name="inputFrames"/> input
    /// frames, whatever came before: ⌈inputFrames × OutputRate / InputRate⌉.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputFrames"/> is negative.</exception>
    public int MaxOutputFrames(int inputFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputFrames);
        return (int)(((long)inputFrames * _up + _down - 1) / _down);
    }

    /// <summary>
    /// Converts <paramref name="input"/> (interleaved, any whole number of frames, possibly none) and writes the output
    /// frames it completes to the start of <paramref name="output"/>; the filter state carries over to the next call,
    /// so a stream cut into any chunks gives the same samples as one call. With rates that are multiples of 100, a
    /// whole 10 ms input frame always returns exactly <see cref="AudioFormat.SamplesPer10Ms"/> output frames.
    /// </summary>
    /// <returns>Output frames written.</returns>
    /// <exception cref="ArgumentException">
    /// The input length is not a multiple of <see cref="Channels"/>, or <paramref name="output"/> is too small for the
    /// frames this call completes (sized with <see cref="MaxOutputFrames"/> it always suffices). Nothing is consumed then.
    /// </exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length % Channels != 0)
            throw new ArgumentException($"The input holds {input.Length} samples, not a whole number of {Channels}-channel frames.", nameof(input));
        int inputFrames = input.Length / Channels;
        long produced = PendingOutputFrames(inputFrames);
        if (output.Length / Channels < produced)
            throw new ArgumentException($"The output holds {output.Length / Channels} frames; this call produces {produced}.", nameof(output));

        if (IsPassThrough)
        {
            input.CopyTo(output);
            return inputFrames;
        }

        int written = 0;
        while (!input.IsEmpty)
        {
            int block = Math.Min(inputFrames, BlockFrames);
            written += ProcessBlock(input[..(block * Channels)], block, output[(written * Channels)..]);
            input = input[(block * Channels)..];
            inputFrames -= block;
        }

        return written;
    }

    /// <summary>Forgets all past input, as if newly constructed.</summary>
    public void Reset()
    {
        _time = 0;
        foreach (var history in _history)
            Array.Clear(history);
    }

    /// <summary>Outputs that <paramref name="inputFrames"/> more input frames complete: grid times _time + n·M below frames·L.</summary>
    private long PendingOutputFrames(int inputFrames)
    {
        if (IsPassThrough)
            return inputFrames;
        long end = (long)inputFrames * _up;
        return end > _time ? (end - _time + _down - 1) / _down : 0;
    }

    private int ProcessBlock(ReadOnlySpan<float> input, int frames, Span<float> output)
    {
        int keep = _taps - 1;
        int channels = Channels;
        for (int c = 0; c < channels; c++)
        {
            var history = _history[c].AsSpan(keep, frames);
            if (channels == 1)
                input.CopyTo(history);
            else
                for (int i = 0; i < frames; i++)
                    history[i] = input[i * channels + c];
        }

        // Walk the output grid as (input frame, phase) so the hot loop has no division.
        int frame = _time / _up, phase = _time % _up, written = 0;
        var coefficients = _coefficients.AsSpan();
        for (; frame < frames; written++)
        {
            var taps = coefficients.Slice(phase * _taps, _taps);
            for (int c = 0; c < channels; c++)
                output[written * channels + c] = Dot(_history[c].AsSpan(frame, _taps), taps);
            frame += _stepFrames;
            phase += _stepPhase;
            if (phase >= _up)
            {
                phase -= _up;
                frame++;
            }
        }

        _time = (frame - frames) * _up + phase;
        for (int c = 0; c < channels; c++)
            _history[c].AsSpan(frames, keep).CopyTo(_history[c]);
        return written;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int n = a.Length, i = 0;
        float sum = 0;
        int width = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated && n >= width)
        {
            // Two accumulators halve the chain of dependent additions.
            Vector<float> even = Vector<float>.Zero, odd = Vector<float>.Zero;
            for (; i <= n - 2 * width; i += 2 * width)
            {
                even = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ra, (nuint)i), Vector.LoadUnsafe(ref rb, (nuint)i), even);
                odd = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ra, (nuint)(i + width)), Vector.LoadUnsafe(ref rb, (nuint)(i + width)), odd);
            }

            if (i <= n - width)
            {
                even = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ra, (nuint)i), Vector.LoadUnsafe(ref rb, (nuint)i), even);
                i += width;
            }

            sum = Vector.Sum(even + odd);
        }

        for (; i < n; i++)
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
            (a, b) = (b, a % b);
        return a;
    }
}
