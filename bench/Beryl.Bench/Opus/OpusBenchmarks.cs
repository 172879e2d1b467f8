using Beryl.Bench.Frames;
using Beryl.Media.Audio;
using Beryl.Media.Codecs.Opus;
using BenchmarkDotNet.Attributes;

namespace Beryl.Bench.Opus;

/// <summary>
/// Microseconds to encode and to decode one 20 ms Opus frame at 48 kHz through libopus, mono at 32 kbit/s and
/// stereo at 64 kbit/s, VOIP application with FEC. Each invocation handles one second (<see cref="FramesPerInvoke"/> frames)
/// of speech-like audio, so the encoder and decoder see a real signal rather than one frame over and over.
/// </summary>
public class OpusBenchmarks
{
    /// <summary>Frames per benchmark invocation (reported per frame through OperationsPerInvoke).</summary>
    public const int FramesPerInvoke = 50;

    /// <summary>Samples per channel in one 20 ms frame at 48 kHz.</summary>
    public const int FrameSize = 960;

    private const int SampleRate = 48_000;

    private OpusEncoder? _encoder;
    private OpusDecoder? _decoder;
    private float[] _pcm = [];
    private byte[][] _packets = [];
    private readonly byte[] _payload = new byte[1500];
    private float[] _decoded = [];

    /// <summary>1 (mono) or 2 (stereo).</summary>
    [Params(1, 2)]
    public int Channels { get; set; }

    /// <summary>Encoder complexity, 0..10.</summary>
    [Params(5, 10)]
    public int Complexity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (!OpusLibrary.IsAvailable)
            throw new InvalidOperationException(OpusLibrary.LoadError);
        var format = new AudioFormat(SampleRate, Channels);
        _encoder = new OpusEncoder(format, 20, new OpusEncoderOptions { Bitrate = 32_000 * Channels, Complexity = Complexity });
        _decoder = new OpusDecoder(format);
        _pcm = BenchSignals.Create(SampleRate, Channels, 1, (double)FramesPerInvoke * FrameSize / SampleRate).Far;
        _decoded = new float[_decoder.MaxFrameSize * Channels];
        _packets = new byte[FramesPerInvoke][];
        for (int i = 0; i < FramesPerInvoke; i++)
            _packets[i] = _payload[.._encoder.Encode(Frame(i), _payload)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encoder?.Dispose();
        _decoder?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int Encode()
    {
        int bytes = 0;
        for (int i = 0; i < FramesPerInvoke; i++)
            bytes += _encoder!.Encode(Frame(i), _payload);
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int Decode()
    {
        int frames = 0;
        for (int i = 0; i < FramesPerInvoke; i++)
            frames += _decoder!.Decode(_packets[i], _decoded);
        return frames;
    }

    private ReadOnlySpan<float> Frame(int index) => _pcm.AsSpan(index * FrameSize * Channels, FrameSize * Channels);
}
