using System.Collections.Concurrent;
using Beryl.Aec;
using Beryl.Bench.Speex;
using BenchmarkDotNet.Attributes;

namespace Beryl.Bench.Frames;

/// <summary>One configuration of the per-frame benchmark.</summary>
/// <param name="Engine">"Lite", "Full" (Beryl) or "Speex".</param>
/// <param name="SampleRate">Hz.</param>
/// <param name="Channels">Render and capture channels.</param>
/// <param name="Simd">Beryl: SIMD kernels or the scalar path. Ignored for speex.</param>
/// <param name="TailMs">Echo tail in ms (Beryl: the mode's default; speex: 250 or 100).</param>
public sealed record FrameCase(string Engine, int SampleRate, int Channels, bool Simd, int TailMs)
{
    public bool IsSpeex => Engine == "Speex";

    public string Format => $"{SampleRate / 1000}k {(Channels == 1 ? "mono" : "stereo")}";

    public override string ToString() => IsSpeex
        ? $"Speex {TailMs}ms {Format}"
        : $"{Engine} {Format} {(Simd ? "SIMD" : "scalar")}";

    /// <summary>Beryl Lite and Full x {16 kHz mono, 48 kHz stereo} x {SIMD, scalar}, and speex at both tails.</summary>
    public static IEnumerable<FrameCase> All(bool includeSpeex)
    {
        foreach (var (rate, ch) in new[] { (16000, 1), (48000, 2) })
        {
            foreach (var mode in new[] { "Lite", "Full" })
            {
                foreach (bool simd in new[] { true, false })
                    yield return new FrameCase(mode, rate, ch, simd, mode == "Full" ? 250 : 100);
            }

            if (includeSpeex)
            {
                yield return new FrameCase("Speex", rate, ch, true, 250);
                yield return new FrameCase("Speex", rate, ch, true, 100);
            }
        }
    }
}

/// <summary>
/// Microseconds per 10 ms frame (one ProcessRender plus one ProcessCapture) on speech-like far-end audio
/// with its echo, after 3 s of prefill so the filters are adapting, not starting.
/// </summary>
public class FrameBenchmarks
{
    /// <summary>Frames per benchmark invocation (reported per frame through OperationsPerInvoke).</summary>
    public const int FramesPerInvoke = 100;

    private const double SignalSeconds = 4;
    private const int PrefillFrames = 300;

    private static readonly ConcurrentDictionary<(int Rate, int Channels), BenchSignals> Signals = new();

    private EchoCanceller? _beryl;
    private SpeexEchoCanceller? _speex;
    private float[] _far = [];
    private float[] _mic = [];
    private short[] _farShort = [];
    private short[] _micShort = [];
    private float[] _out = [];
    private short[] _outShort = [];
    private int _frameSize;
    private int _frames;
    private int _position;

    /// <summary>The configuration being measured.</summary>
    [ParamsSource(nameof(Cases))]
    public FrameCase Case { get; set; } = new("Full", 16000, 1, true, 250);

    public static IEnumerable<FrameCase> Cases() => FrameCase.All(SpeexNative.IsAvailable);

    [GlobalSetup]
    public void Setup()
    {
        var signals = Signals.GetOrAdd((Case.SampleRate, Case.Channels), k => BenchSignals.Create(k.Rate, k.Channels, k.Channels, SignalSeconds));
        _far = signals.Far;
        _mic = signals.Mic;
        _frameSize = Case.SampleRate / 100;
        _frames = signals.Length / _frameSize;
        _out = new float[_frameSize * Case.Channels];
        _outShort = new short[_frameSize * Case.Channels];

        if (Case.IsSpeex)
        {
            _farShort = ToShort(_far);
            _micShort = ToShort(_mic);
            _speex = new SpeexEchoCanceller(Case.SampleRate, Case.TailMs, Case.Channels, Case.Channels);
        }
        else
        {
            _beryl = new EchoCanceller(new EchoCancellerOptions
            {
                Mode = Case.Engine == "Lite" ? AecMode.Lite : AecMode.Full,
                SampleRate = Case.SampleRate,
                RenderChannels = Case.Channels,
                CaptureChannels = Case.Channels,
                UseSimd = Case.Simd,
            });
        }

        _position = 0;
        for (int i = 0; i < PrefillFrames; i++)
            Step();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _speex?.Dispose();
        _speex = null;
        _beryl = null;
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public void Frame()
    {
        for (int i = 0; i < FramesPerInvoke; i++)
            Step();
    }

    private void Step()
    {
        int ch = Case.Channels;
        int start = _position * _frameSize * ch;
        int len = _frameSize * ch;
        if (_speex is not null)
        {
            _speex.ProcessRender(_farShort.AsSpan(start, len));
            _speex.ProcessCapture(_micShort.AsSpan(start, len), _outShort);
        }
        else
        {
            _beryl!.ProcessRender(_far.AsSpan(start, len));
            _beryl.ProcessCapture(_mic.AsSpan(start, len), _out);
        }

        if (++_position == _frames)
            _position = 0;
    }

    private static short[] ToShort(float[] x)
    {
        var s = new short[x.Length];
        for (int i = 0; i < x.Length; i++)
            s[i] = (short)Math.Clamp(MathF.Round(x[i] * 32768f), short.MinValue, short.MaxValue);
        return s;
    }
}
