using System.Runtime.InteropServices;
using Beryl.Aec;
using Beryl.Media.Processing;

namespace Beryl.Bench.Speex;

/// <summary>Owns a <c>SpeexEchoState*</c>.</summary>
internal sealed class SpeexEchoHandle : SafeHandle
{
    public SpeexEchoHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static SpeexEchoHandle Create(int frameSize, int filterLength, int mics, int speakers)
    {
        var h = new SpeexEchoHandle();
        h.SetHandle(SpeexNative.speex_echo_state_init_mc(frameSize, filterLength, mics, speakers));
        if (h.IsInvalid)
            throw new InvalidOperationException("speex_echo_state_init_mc failed.");
        return h;
    }

    protected override bool ReleaseHandle()
    {
        SpeexNative.speex_echo_state_destroy(handle);
        return true;
    }
}

/// <summary>
/// Owns a <c>SpeexPreprocessState*</c>. If it points at an echo state it keeps that handle alive
/// (AddRef) until it is itself released, so the echo state is never destroyed first.
/// </summary>
internal sealed class SpeexPreprocessHandle : SafeHandle
{
    private SpeexEchoHandle? _echo;

    public SpeexPreprocessHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public static SpeexPreprocessHandle Create(int frameSize, int sampleRate)
    {
        var h = new SpeexPreprocessHandle();
        h.SetHandle(SpeexNative.speex_preprocess_state_init(frameSize, sampleRate));
        if (h.IsInvalid)
            throw new InvalidOperationException("speex_preprocess_state_init failed.");
        return h;
    }

    /// <summary>Links the residual echo suppressor to <paramref name="echo"/>.</summary>
    public void SetEchoState(SpeexEchoHandle echo)
    {
        bool added = false;
        echo.DangerousAddRef(ref added);
        SpeexNative.speex_preprocess_ctl(handle, SpeexNative.SPEEX_PREPROCESS_SET_ECHO_STATE, echo.DangerousGetHandle());
        _echo = echo;
    }

    public void SetInt(int request, int value)
    {
        SpeexNative.speex_preprocess_ctl(handle, request, ref value);
    }

    protected override bool ReleaseHandle()
    {
        SpeexNative.speex_preprocess_state_destroy(handle);
        _echo?.DangerousRelease();
        _echo = null;
        return true;
    }
}

/// <summary>
/// The speexdsp echo canceller (MDF) plus its preprocessor's residual echo suppression, behind the same
/// 10 ms frame interface as <see cref="EchoCanceller"/>: <see cref="ProcessRender(ReadOnlySpan{float})"/>
/// then <see cref="ProcessCapture(ReadOnlySpan{float}, Span{float})"/>. AGC and dereverberation are off (VAD is off by default; setting it makes speexdsp print a warning).
/// </summary>
/// <remarks>
/// <para>speexdsp applies no spectral gain at all (residual echo suppression included) when its denoiser is
/// disabled, so the denoiser stays enabled with its maximum noise attenuation set to 0 dB: the gain floor is
/// then 1 wherever there is no echo, i.e. noise is not suppressed, while residual echo is still attenuated
/// down to the default -40 dB (-15 dB during near-end speech).</para>
/// <para>The MDF filter itself adds no delay and has no look-ahead; the preprocessor's overlap-add delays its
/// output by one frame, which <see cref="LatencySamples"/> reports.</para>
/// </remarks>
public sealed unsafe class SpeexEchoCanceller : IOfflineFrameProcessor, IDisposable
{
    private readonly SpeexEchoHandle _echo;
    private readonly SpeexPreprocessHandle[] _preprocess;
    private readonly short[] _render;
    private readonly short[] _capture;
    private readonly short[] _output;
    private readonly short[] _channel;
    private bool _disposed;

    /// <summary>Creates the canceller.</summary>
    /// <param name="sampleRate">Sample rate in Hz.</param>
    /// <param name="tailMs">Echo tail the adaptive filter covers, in ms.</param>
    /// <param name="renderChannels">Loudspeaker channels.</param>
    /// <param name="captureChannels">Microphone channels.</param>
    /// <param name="residualEchoSuppression">Run the preprocessor's residual echo suppressor after the filter.</param>
    public SpeexEchoCanceller(int sampleRate, int tailMs, int renderChannels = 1, int captureChannels = 1, bool residualEchoSuppression = true)
    {
        if (!SpeexNative.IsAvailable)
            throw new InvalidOperationException(SpeexNative.UnavailableReason);

        SampleRate = sampleRate;
        FrameSize = sampleRate / 100;
        RenderChannels = renderChannels;
        CaptureChannels = captureChannels;
        TailMs = tailMs;

        _echo = SpeexEchoHandle.Create(FrameSize, tailMs * sampleRate / 1000, captureChannels, renderChannels);
        int rate = sampleRate;
        SpeexNative.speex_echo_ctl(_echo.DangerousGetHandle(), SpeexNative.SPEEX_ECHO_SET_SAMPLING_RATE, ref rate);

        _preprocess = new SpeexPreprocessHandle[residualEchoSuppression ? captureChannels : 0];
        for (int c = 0; c < _preprocess.Length; c++)
        {
            var p = SpeexPreprocessHandle.Create(FrameSize, sampleRate);
            p.SetInt(SpeexNative.SPEEX_PREPROCESS_SET_DENOISE, 1);
            p.SetInt(SpeexNative.SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, 0);
            p.SetInt(SpeexNative.SPEEX_PREPROCESS_SET_AGC, 0);
            p.SetInt(SpeexNative.SPEEX_PREPROCESS_SET_DEREVERB, 0);
            p.SetEchoState(_echo);
            _preprocess[c] = p;
        }

        _render = new short[FrameSize * renderChannels];
        _capture = new short[FrameSize * captureChannels];
        _output = new short[FrameSize * captureChannels];
        _channel = new short[FrameSize];
    }

    /// <summary>Sample rate in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Samples per channel in one 10 ms frame.</summary>
    public int FrameSize { get; }

    /// <summary>Loudspeaker channels.</summary>
    public int RenderChannels { get; }

    /// <summary>Microphone channels.</summary>
    public int CaptureChannels { get; }

    /// <summary>Echo tail in ms.</summary>
    public int TailMs { get; }

    /// <summary>One frame with residual echo suppression (the preprocessor's overlap-add), else 0.</summary>
    public int LatencySamples => _preprocess.Length > 0 ? FrameSize : 0;

    /// <summary>Stores one render frame; it is used by the next capture frame.</summary>
    public void ProcessRender(ReadOnlySpan<float> interleaved)
    {
        Check(interleaved.Length, RenderChannels);
        ToShort(interleaved, _render);
    }

    /// <summary>Stores one 16-bit render frame.</summary>
    public void ProcessRender(ReadOnlySpan<short> interleaved)
    {
        Check(interleaved.Length, RenderChannels);
        interleaved.CopyTo(_render);
    }

    /// <summary>Cancels the echo in one capture frame.</summary>
    public void ProcessCapture(ReadOnlySpan<float> capture, Span<float> output)
    {
        Check(capture.Length, CaptureChannels);
        Check(output.Length, CaptureChannels);
        ToShort(capture, _capture);
        Run();
        for (int i = 0; i < _output.Length; i++)
            output[i] = _output[i] * (1f / 32768f);
    }

    /// <summary>Cancels the echo in one 16-bit capture frame.</summary>
    public void ProcessCapture(ReadOnlySpan<short> capture, Span<short> output)
    {
        Check(capture.Length, CaptureChannels);
        Check(output.Length, CaptureChannels);
        capture.CopyTo(_capture);
        Run();
        _output.CopyTo(output);
    }

    /// <summary>Speex reports no statistics.</summary>
    public EchoCancellerStatistics? GetStatistics() => null;

    /// <summary>Destroys the native states.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var p in _preprocess)
            p.Dispose();
        _echo.Dispose();
    }

    private void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        fixed (short* rec = _capture)
        fixed (short* play = _render)
        fixed (short* outp = _output)
        {
            SpeexNative.speex_echo_cancellation(_echo.DangerousGetHandle(), rec, play, outp);
        }

        if (_preprocess.Length == 0)
            return;
        if (CaptureChannels == 1)
        {
            fixed (short* x = _output)
                SpeexNative.speex_preprocess_run(_preprocess[0].DangerousGetHandle(), x);
            return;
        }

        int ch = CaptureChannels;
        for (int c = 0; c < ch; c++)
        {
            for (int i = 0; i < FrameSize; i++)
                _channel[i] = _output[i * ch + c];
            fixed (short* x = _channel)
                SpeexNative.speex_preprocess_run(_preprocess[c].DangerousGetHandle(), x);
            for (int i = 0; i < FrameSize; i++)
                _output[i * ch + c] = _channel[i];
        }
    }

    private static void ToShort(ReadOnlySpan<float> source, Span<short> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            float v = source[i] * 32768f;
            destination[i] = v >= 32767f ? short.MaxValue : v <= -32768f ? short.MinValue : (short)MathF.Round(v);
        }
    }

    private void Check(int length, int channels)
    {
        if (length != FrameSize * channels)
            throw new ArgumentException($"A frame must hold {FrameSize * channels} samples, not {length}.");
    }
}
