using System.Diagnostics.CodeAnalysis;
using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Codecs;
using Beryl.Media.Jitter;
using Beryl.Media.Rtp;
using Beryl.Media.Sdp;

namespace Beryl.Media.Engine;

/// <summary>
/// Everything one call's audio passes through, built for a negotiated codec: encoder, decoder, jitter buffer, echo
/// canceller, and the capture and render paths that join them. The engine drives one from its threads; a loopback
/// instance (its packets fed straight back into its own jitter buffer) warms the code up and measures the cost.
/// </summary>
internal sealed class CallAudioPipeline : IDisposable
{
    private readonly IAudioEncoder _encoder;
    private readonly IAudioDecoder _decoder;

    private CallAudioPipeline(IAudioEncoder encoder, IAudioDecoder decoder, EchoCanceller? canceller, JitterBuffer jitter,
        AudioFormat microphone, AudioFormat speaker, AudioPayloadSender send)
    {
        _encoder = encoder;
        _decoder = decoder;
        Canceller = canceller;
        Jitter = jitter;
        Capture = new CapturePath(microphone, canceller, encoder, send);
        Render = new RenderPath(jitter, decoder.Format, speaker, canceller);
    }

    public SdpCodec Codec => _encoder.Codec;

    /// <summary>Sets the encoder's complexity where its codec has one (Opus); G.711 has nothing to trade.</summary>
    public void SetEncoderComplexity(int complexity) => (_encoder as Codecs.Opus.OpusEncoder)?.SetComplexity(complexity);

    public EchoCanceller? Canceller { get; }

    public JitterBuffer Jitter { get; }

    public CapturePath Capture { get; }

    public RenderPath Render { get; }

    public static bool TryCreate(SdpCodec codec, AudioEngineOptions options, AudioFormat microphone, AudioFormat speaker,
        AudioPayloadSender send, [NotNullWhen(true)] out CallAudioPipeline? pipeline, [NotNullWhen(false)] out string? error)
    {
        pipeline = null;
        if (!AudioCodecs.TryCreateEncoder(codec, options.Codec, out var encoder, out error))
        {
            error = $"cannot encode {codec.Name}: {error}";
            return false;
        }
        if (!AudioCodecs.TryCreateDecoder(codec, speaker.SampleRate, out var decoder, out error))
        {
            encoder.Dispose();
            error = $"cannot decode {codec.Name}: {error}";
            return false;
        }
        var canceller = options.EchoCancellation
            ? new EchoCanceller(options.EchoCanceller with
            {
                // Audio above the codec's band never reaches the far end, so a narrowband call runs the canceller at
                // 16 kHz at most (its best-tuned rate).
                SampleRate = Math.Min(options.EchoCanceller.SampleRate, Math.Max(16000, encoder.Format.SampleRate)),
                CaptureChannels = microphone.Channels,
                RenderChannels = speaker.Channels,
            })
            : null;
        pipeline = new CallAudioPipeline(encoder, decoder, canceller, new JitterBuffer(decoder, options.JitterBuffer), microphone, speaker, send);
        return true;
    }

    /// <summary>A pipeline whose packets go straight back into its own jitter buffer, 10 ms of arrival time apart per frame.</summary>
    public static CallAudioPipeline CreateLoopback(SdpCodec codec, AudioEngineOptions options, AudioFormat microphone, AudioFormat speaker)
    {
        var loop = new LoopbackSender(codec);
        if (!TryCreate(codec, options, microphone, speaker, loop.Send, out var pipeline, out string? error))
            throw new InvalidOperationException(error);
        loop.Target = pipeline.Jitter;
        return pipeline;
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    private sealed class LoopbackSender(SdpCodec codec)
    {
        private ushort _sequence;
        private uint _timestamp;
        private long _arrival;

        public JitterBuffer? Target { get; set; }

        public bool Send(uint durationRtpUnits, ReadOnlySpan<byte> payload)
        {
            if (!payload.IsEmpty)
                Target?.Insert(new RtpHeader((byte)codec.PayloadType, _sequence++, _timestamp, 1), payload, _arrival);
            _timestamp += durationRtpUnits;
            _arrival += durationRtpUnits * 1_000_000L / codec.ClockRate;
            return true;
        }
    }
}
