using System.Diagnostics;
using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Engine;

/// <summary>
/// Runs the audio of one call: a capture thread (microphone → echo canceller → encoder → RTP) and a render thread
/// (RTP → jitter buffer → decoder → speaker, and the same audio → echo canceller as its reference), each paced like a
/// sound card's callback. Received packets reach the jitter buffer from the transport's thread through a lock-free
/// queue; render audio reaches the canceller the same way. Neither audio thread locks, allocates or lets an exception out.
/// </summary>
/// <example>
/// <code>
/// await using var peer = new RTCPeerConnection();
/// // … offer/answer and ICE until peer.connectionState is connected …
/// using var engine = new AudioEngine(peer, microphone, speaker);
/// engine.Start();
/// </code>
/// </example>
public sealed class AudioEngine : IDisposable
{
    private readonly IAudioTransport _peer;
    private readonly IAudioSource _microphone;
    private readonly IAudioSink _speaker;
    private readonly AudioEngineOptions _options;
    private readonly RtpPacketHandler _onRtp;
    private CallAudioPipeline? _pipeline;
    private Thread? _captureThread, _renderThread;
    private FramePacer? _capturePacer, _renderPacer;
    private volatile bool _stopping;
    private long _capturedFrames, _renderedFrames, _frameErrors;
    private volatile bool _microphoneEnded;
    private volatile string? _lastError;

    /// <summary>Prepares an engine for the call carried by <paramref name="peer"/> (an <see cref="RTCPeerConnection"/> or any other
    /// <see cref="IAudioTransport"/>); nothing runs until <see cref="Start"/>.</summary>
    /// <exception cref="ArgumentException">A device format the pipeline cannot carry.</exception>
    public AudioEngine(IAudioTransport peer, IAudioSource microphone, IAudioSink speaker, AudioEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(microphone);
        ArgumentNullException.ThrowIfNull(speaker);
        microphone.Format.Validate();
        speaker.Format.Validate();
        _peer = peer;
        _microphone = microphone;
        _speaker = speaker;
        _options = options ?? new AudioEngineOptions();
        _onRtp = OnRtpPacket;
    }

    /// <summary>The codec in use once started, else null.</summary>
    public SdpCodec? Codec => _pipeline?.Codec;

    /// <summary>The echo canceller once started with cancellation on, else null.</summary>
    public EchoCanceller? EchoCanceller => _pipeline?.Canceller;

    /// <summary>Whether the audio threads are running.</summary>
    public bool IsRunning => _captureThread is not null && !_stopping;

    /// <summary>
    /// Creates the codec pair for the negotiated format, the jitter buffer and the echo canceller, then starts the
    /// capture and render threads. Call it once the transport has negotiated its audio codec.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started, no codec negotiated yet, or the codec cannot be created here.</exception>
    public void Start()
    {
        if (_captureThread is not null)
            throw new InvalidOperationException("the engine has already been started");
        var codec = _peer.NegotiatedAudioFormat
            ?? throw new InvalidOperationException("no audio codec has been negotiated yet: start the engine once the offer/answer is complete");
        WarmUp(codec);
        if (!CallAudioPipeline.TryCreate(codec, _options, _microphone.Format, _speaker.Format, _peer.SendAudio, out var pipeline, out string? error))
            throw new InvalidOperationException(error);
        _pipeline = pipeline;
        _peer.OnRtpPacketReceived += _onRtp;

        if (_options.Pacing == AudioPacing.Clock)
        {
            _capturePacer = new FramePacer();
            _renderPacer = new FramePacer();
        }
        _captureThread = StartAudioThread("beryl-capture", CaptureLoop);
        _renderThread = StartAudioThread("beryl-render", RenderLoop);
    }

    /// <summary>Stops the audio threads and releases the codecs; the transport stays open.</summary>
    public void Stop()
    {
        if (_captureThread is null || _stopping)
            return;
        _stopping = true;
        _peer.OnRtpPacketReceived -= _onRtp;
        _captureThread.Join();
        _renderThread!.Join();
        _pipeline!.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    /// <summary>A snapshot of the engine's counters; safe from any thread once started.</summary>
    /// <exception cref="InvalidOperationException">The engine has not been started.</exception>
    public AudioEngineStatistics GetStatistics()
    {
        if (_pipeline is not { } pipeline)
            throw new InvalidOperationException("the engine has not been started");
        return new AudioEngineStatistics
        {
            Codec = pipeline.Codec,
            CapturedFrames = Volatile.Read(ref _capturedFrames),
            RenderedFrames = Volatile.Read(ref _renderedFrames),
            LateCaptureFrames = _capturePacer?.LateFrames ?? 0,
            LateRenderFrames = _renderPacer?.LateFrames ?? 0,
            PacketsSent = pipeline.Capture.PacketsSent,
            PacketsSuppressed = pipeline.Capture.PacketsSuppressed,
            SendFailures = pipeline.Capture.SendFailures,
            FrameErrors = Volatile.Read(ref _frameErrors),
            LastError = _lastError,
            MicrophoneEnded = _microphoneEnded,
            JitterBuffer = pipeline.Jitter.GetStatistics(),
            EchoCanceller = pipeline.Canceller?.GetStatistics(),
        };
    }

    // The audio threads must not pay for just-in-time compilation in their first frames (a stall there starves the
    // device): a throwaway copy of the pipeline runs half a second of audio through every path first.
    private void WarmUp(SdpCodec codec)
    {
        using var pipeline = CallAudioPipeline.CreateLoopback(codec, _options, _microphone.Format, _speaker.Format);
        var microphone = new float[_microphone.Format.InterleavedSamplesPer10Ms];
        var speaker = new float[_speaker.Format.InterleavedSamplesPer10Ms];
        for (int frame = 0; frame < 50; frame++)
        {
            microphone.AsSpan().Fill(frame % 2 == 0 ? 0.01f : -0.01f);
            pipeline.Capture.ProcessFrame(microphone);
            pipeline.Render.ProcessFrame(speaker);
        }
    }

    private static Thread StartAudioThread(string name, ThreadStart loop)
    {
        var thread = new Thread(loop) { Name = name, IsBackground = true, Priority = ThreadPriority.Highest };
        thread.Start();
        return thread;
    }

    private void OnRtpPacket(in RtpHeader header, ReadOnlySpan<byte> payload) =>
        _pipeline!.Jitter.Insert(header, payload, Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency);

    private void CaptureLoop()
    {
        var frame = new float[_microphone.Format.InterleavedSamplesPer10Ms];
        int channels = _microphone.Format.Channels;
        while (!_stopping)
        {
            _capturePacer?.WaitForNextFrame();
            try
            {
                int frames = _microphone.Read(frame);
                if (frames < _microphone.Format.SamplesPer10Ms)
                {
                    frame.AsSpan(Math.Max(frames, 0) * channels).Clear();
                    _microphoneEnded = true;
                }
                _pipeline!.Capture.ProcessFrame(frame);
            }
            catch (Exception e)
            {
                OnFrameError(e);
            }
            Volatile.Write(ref _capturedFrames, _capturedFrames + 1);
        }
    }

    private void RenderLoop()
    {
        var frame = new float[_speaker.Format.InterleavedSamplesPer10Ms];
        while (!_stopping)
        {
            _renderPacer?.WaitForNextFrame();
            try
            {
                _pipeline!.Render.ProcessFrame(frame);
                _speaker.Write(frame);
            }
            catch (Exception e)
            {
                OnFrameError(e);
            }
            Volatile.Write(ref _renderedFrames, _renderedFrames + 1);
        }
    }

    private void OnFrameError(Exception e)
    {
        Interlocked.Increment(ref _frameErrors);
        _lastError = $"{e.GetType().Name}: {e.Message}";
    }
}
