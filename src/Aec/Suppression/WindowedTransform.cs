using Beryl.Aec.Fft;

namespace Beryl.Aec.Suppression;

/// <summary>
/// Short-time Fourier analysis and overlap-add synthesis with a square-root Hann window of two blocks
/// and a hop of one block. Analysis followed by synthesis with unit gains reproduces the input one
/// block late, which is the suppressor's latency.
/// </summary>
internal sealed class WindowedTransform
{
    private readonly RealFft _fft;
    private readonly float[] _window, _frame, _overlap;
    private readonly int _block;

    public WindowedTransform(int block, RealFft fft)
    {
        _block = block;
        _fft = fft;
        _window = new float[2 * block];
        for (int i = 0; i < _window.Length; i++) _window[i] = MathF.Sqrt(0.5f - 0.5f * MathF.Cos(2f * MathF.PI * i / _window.Length));
        _frame = new float[2 * block];
        _overlap = new float[block];
    }

    /// <summary>Windows the previous and current blocks of a signal and transforms them.</summary>
    public void Analyze(Span<float> history, ReadOnlySpan<float> block, Span<float> re, Span<float> im)
    {
        history.CopyTo(_frame);
        block.CopyTo(_frame.AsSpan(_block));
        block.CopyTo(history);
        for (int i = 0; i < _frame.Length; i++) _frame[i] *= _window[i];
        _fft.Forward(_frame, re, im);
    }

    /// <summary>Inverse-transforms a spectrum, windows it and overlap-adds one block of output.</summary>
    public void Synthesize(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> output)
    {
        _fft.Inverse(re, im, _frame);
        for (int i = 0; i < _block; i++) output[i] = _overlap[i] + _frame[i] * _window[i];
        for (int i = 0; i < _block; i++) _overlap[i] = _frame[_block + i] * _window[_block + i];
    }
}
