using Beryl.Aec;
using Beryl.Bench.Frames;
using Beryl.Bench.Speex;
using Beryl.Media.Audio;
using Beryl.Media.Engine;
using Beryl.Media.Sdp;
using BenchmarkDotNet.Attributes;

namespace Beryl.Bench.Call;

/// <summary>
/// The whole audio cost of one call per 10 ms at 48 kHz: microphone → canceller → Opus encoder, and the packet back
/// through the jitter buffer → Opus decoder → speaker and the canceller's render side (one loopback pipeline, no
/// network). The anchor is speex's echo canceller alone at the same rate and a 250 ms tail, measured in the same run.
/// </summary>
public class CallBenchmarks
{
    private const int FramesPerInvoke = 100;
    private static readonly AudioFormat Device = new(48000, 1);

    private CallAudioPipeline? _pipeline;
    private SpeexEchoCanceller? _speex;
    private BenchSignals _signals = null!;
    private float[] _speaker = [];
    private short[] _speexFar = [], _speexMic = [], _speexOut = new short[480];
    private int _frame;

    /// <summary>"Lite" or "Full" (Beryl, canceller at 48 kHz), "Full16k" (the engine's default: canceller at 16 kHz), or "SpeexAec".</summary>
    [Params("Lite", "Full", "Full16k", "SpeexAec")]
    public string Case { get; set; } = "Full";

    [GlobalSetup]
    public void Setup()
    {
        _signals = BenchSignals.Create(48000, 1, 1, seconds: 4);
        _speaker = new float[Device.InterleavedSamplesPer10Ms];
        if (Case == "SpeexAec")
        {
            _speex = new SpeexEchoCanceller(48000, 250);
            _speexFar = _signals.Far.Select(x => (short)(x * 32767)).ToArray();
            _speexMic = _signals.Mic.Select(x => (short)(x * 32767)).ToArray();
            return;
        }
        var canceller = new EchoCancellerOptions { Mode = Case == "Lite" ? AecMode.Lite : AecMode.Full, SampleRate = Case == "Full16k" ? 16000 : 48000 };
        _pipeline = CallAudioPipeline.CreateLoopback(SdpCodec.Opus, new AudioEngineOptions { EchoCanceller = canceller }, Device, Device);
        for (int i = 0; i < 300; i++)
            CallFrame();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeline?.Dispose();
        _speex?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public void TenMilliseconds()
    {
        for (int i = 0; i < FramesPerInvoke; i++)
        {
            if (_speex is null)
                CallFrame();
            else
                SpeexFrame();
        }
    }

    private int NextFrameOffset() => _frame++ % (_signals.Length / 480) * 480;

    private void CallFrame()
    {
        _pipeline!.Render.ProcessFrame(_speaker);
        _pipeline.Capture.ProcessFrame(_signals.Mic.AsSpan(NextFrameOffset(), 480));
    }

    private void SpeexFrame()
    {
        int offset = NextFrameOffset();
        _speex!.ProcessRender(_speexFar.AsSpan(offset, 480));
        _speex.ProcessCapture(_speexMic.AsSpan(offset, 480), _speexOut);
    }
}
