using System.Diagnostics.CodeAnalysis;
using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Engine;
using Beryl.Media.Sdp;

namespace Beryl.Media.Node;

/// <summary>
/// The audio of one caller at the node, in the node's internal format (mono, the canceller's rate), 10 ms at a time.
/// <see cref="Receive"/> gives what the caller sent, decoded through the jitter buffer, and the same audio with the echo
/// of what the node sent removed; <see cref="Send"/> is the node's voice to the caller, which is also the canceller's
/// render reference. It is the engine's pipeline turned round: the network is the microphone and the loudspeaker.
/// Driven by one audio thread; allocates nothing after construction.
/// </summary>
internal sealed class NodeLeg : IDisposable
{
    private readonly CallAudioPipeline _pipeline;
    private long _playoutShift;   // the jitter buffer's playout shift told to the canceller, in samples at Format's rate

    private NodeLeg(CallAudioPipeline pipeline, EchoCanceller? canceller, AudioFormat format)
    {
        _pipeline = pipeline;
        Canceller = canceller;
        Format = format;
    }

    /// <summary>Mono at the node's internal rate.</summary>
    public AudioFormat Format { get; }

    public SdpCodec Codec => _pipeline.Codec;

    public EchoCanceller? Canceller { get; }

    public Jitter.JitterBuffer Jitter => _pipeline.Jitter;

    /// <summary>The pipeline's stages, for profiling them one by one.</summary>
    public CallAudioPipeline Pipeline => _pipeline;

    public static bool TryCreate(SdpCodec codec, MediaNodeOptions options, AudioPayloadSender send,
        [NotNullWhen(true)] out NodeLeg? leg, [NotNullWhen(false)] out string? error)
    {
        leg = null;
        var format = new AudioFormat(options.EchoCanceller.SampleRate, 1);
        // The pipeline's own canceller would take the network as render reference; here the reference is what we send.
        var pipelineOptions = new AudioEngineOptions { EchoCancellation = false, Codec = options.Codec, JitterBuffer = options.JitterBuffer };
        if (!CallAudioPipeline.TryCreate(codec, pipelineOptions, format, format, send, out var pipeline, out error))
            return false;
        // A leg's echo comes back through the caller's decoder and encoder.
        var canceller = options.EchoCancellation
            ? new EchoCanceller(options.EchoCanceller with { CaptureChannels = 1, RenderChannels = 1, EchoThroughCodec = true })
            : null;
        leg = new NodeLeg(pipeline, canceller, format);
        return true;
    }

    /// <summary>
    /// The caller's next 10 ms: as received, and with the echo of the node's voice cancelled. What the jitter buffer
    /// conceals or stretches moves the echo in what it plays as much as a moved echo path would: the canceller is told.
    /// </summary>
    public void Receive(Span<float> received, Span<float> cleaned)
    {
        _pipeline.Render.ProcessFrame(received);
        if (Canceller is null)
        {
            received.CopyTo(cleaned);
            return;
        }
        Canceller.ProcessCapture(received, cleaned);
        long shift = Jitter.PlayoutShiftFrames * Format.SampleRate / Jitter.SampleRate;
        if (shift != _playoutShift)
        {
            Canceller.ReportCaptureShift((int)(shift - _playoutShift));
            _playoutShift = shift;
        }
    }

    /// <summary>The node's next 10 ms to the caller: the canceller's reference, then encoded and sent.</summary>
    public void Send(ReadOnlySpan<float> frame)
    {
        Canceller?.ProcessRender(frame);
        _pipeline.Capture.ProcessFrame(frame);
    }

    /// <summary>Sets the complexity of the encoder of the node's voice (Opus only), as the audio thread's load allows.</summary>
    public void SetEncoderComplexity(int complexity) => _pipeline.SetEncoderComplexity(complexity);

    public void Dispose() => _pipeline.Dispose();
}
