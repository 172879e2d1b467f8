using System.Numerics;
using Beryl.Aec.Fft;
using Beryl.Aec.Simd;

namespace Beryl.Media.Audio;

/// <summary>
/// Convolves a stream with a long impulse response by uniformly partitioned overlap-save: the response is
/// cut into partitions of one block, each transformed once with a 2-block FFT; every input block is
/// transformed once, kept in a frequency-domain delay line, and multiplied with every partition.
/// Cost per block: two FFTs plus one complex multiply-add per bin and partition. No allocation after construction.
/// </summary>
internal sealed class PartitionedConvolver
{
    private readonly RealFft _fft;
    private readonly int _block;
    private readonly int _bins;
    private readonly int _partitions;
    private readonly float[] _filterRe, _filterIm;
    private readonly float[] _inputRe, _inputIm;
    private readonly float[] _window;
    private readonly float[] _sumRe, _sumIm;
    private readonly float[] _time;
    private int _newest;

    /// <summary>Prepares the convolution with <paramref name="impulseResponse"/> for blocks of <paramref name="blockSize"/> samples.</summary>
    /// <param name="impulseResponse">The response; may be any non-zero length.</param>
    /// <param name="blockSize">Samples per block; must have no prime factor other than 2, 3 and 5.</param>
    public PartitionedConvolver(ReadOnlySpan<float> impulseResponse, int blockSize)
    {
        _block = blockSize;
        _fft = new RealFft(2 * blockSize, simd: true);
        _bins = _fft.Bins;
        _partitions = Math.Max(1, (impulseResponse.Length + blockSize - 1) / blockSize);
        _filterRe = new float[_partitions * _bins];
        _filterIm = new float[_partitions * _bins];
        _inputRe = new float[_partitions * _bins];
        _inputIm = new float[_partitions * _bins];
        _window = new float[2 * blockSize];
        _sumRe = new float[_bins];
        _sumIm = new float[_bins];
        _time = new float[2 * blockSize];
        for (int k = 0; k < _partitions; k++)
        {
            Array.Clear(_time);
            ReadOnlySpan<float> part = impulseResponse[Math.Min(k * blockSize, impulseResponse.Length)..];
            part[..Math.Min(blockSize, part.Length)].CopyTo(_time);
            _fft.Forward(_time, Slice(_filterRe, k), Slice(_filterIm, k));
        }
    }

    /// <summary>Samples per block.</summary>
    public int BlockSize => _block;

    /// <summary>Consumes one block of input and produces the matching block of output.</summary>
    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        _window.AsSpan(_block).CopyTo(_window);
        input[.._block].CopyTo(_window.AsSpan(_block));
        _newest = (_newest + _partitions - 1) % _partitions;
        _fft.Forward(_window, Slice(_inputRe, _newest), Slice(_inputIm, _newest));

        Array.Clear(_sumRe);
        Array.Clear(_sumIm);
        for (int k = 0; k < _partitions; k++)
        {
            // The input k blocks old meets partition k of the response.
            int slot = (_newest + k) % _partitions;
            SpectralMath.MultiplyAccumulate(Slice(_inputRe, slot), Slice(_inputIm, slot), Slice(_filterRe, k), Slice(_filterIm, k),
                _sumRe, _sumIm, simd: true);
        }
        _fft.Inverse(_sumRe, _sumIm, _time);
        // Overlap-save: the first half of the circular result wrapped around; the second half is the linear convolution.
        _time.AsSpan(_block, _block).CopyTo(output);
    }

    private Span<float> Slice(float[] spectra, int index) => spectra.AsSpan(index * _bins, _bins);

    /// <summary>
    /// The block size for a stream whose 10 ms frame is <paramref name="frameSize"/> samples: the frame itself
    /// when the FFT can take it (all the usual rates), else the largest power of two below it.
    /// </summary>
    public static int ChooseBlockSize(int frameSize)
    {
        int n = frameSize;
        foreach (int factor in (ReadOnlySpan<int>)[2, 3, 5])
        {
            while (n % factor == 0)
                n /= factor;
        }
        return n == 1 ? frameSize : (int)BitOperations.RoundUpToPowerOf2((uint)frameSize + 1) / 2;
    }
}
