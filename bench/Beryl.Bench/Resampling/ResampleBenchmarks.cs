using Beryl.Media.Resampling;
using BenchmarkDotNet.Attributes;

namespace Beryl.Bench.Resampling;

/// <summary>
/// Time to convert one 10 ms frame of noise between two rates, mono or stereo. Each invocation converts
/// <see cref="FramesPerInvoke"/> consecutive frames, so the filter phases come round as in a call.
/// </summary>
public class ResampleBenchmarks
{
    /// <summary>10 ms frames per benchmark invocation (reported per frame through OperationsPerInvoke).</summary>
    public const int FramesPerInvoke = 100;

    private Resampler _resampler = null!;
    private float[] _input = [];
    private float[] _output = [];

    /// <summary>Input and output rate, "in->out".</summary>
    [Params("48000->16000", "16000->48000", "48000->8000", "8000->48000", "44100->48000")]
    public string Conversion { get; set; } = "";

    /// <summary>Interleaved channels.</summary>
    [Params(1, 2)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] rates = Conversion.Split("->");
        int inputRate = int.Parse(rates[0]), outputRate = int.Parse(rates[1]);
        _resampler = new Resampler(inputRate, outputRate, Channels);
        var random = new Random(4);
        _input = new float[inputRate / 100 * Channels];
        for (int i = 0; i < _input.Length; i++)
            _input[i] = (float)(random.NextDouble() - 0.5);
        _output = new float[_resampler.MaxOutputFrames(inputRate / 100) * Channels];
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int Frame()
    {
        int frames = 0;
        for (int i = 0; i < FramesPerInvoke; i++)
            frames += _resampler.Process(_input, _output);
        return frames;
    }
}
