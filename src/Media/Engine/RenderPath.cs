using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Jitter;
using Beryl.Media.Resampling;

namespace Beryl.Media.Engine;

/// <summary>
/// The receive half of a call, one 10 ms loudspeaker frame at a time: the jitter buffer's decoded audio converted to
/// the speaker's rate and channels, and the same audio handed to the echo canceller as its render reference. Runs on
/// the render thread; allocates nothing after construction.
/// </summary>
internal sealed class RenderPath
{
    private readonly JitterBuffer _jitter;
    private readonly AudioFormat _decoded, _speaker;
    private readonly EchoCanceller? _canceller;
    private readonly Resampler _toSpeaker, _toCanceller;
    private readonly float[] _decodedFrame, _speakerChannels, _reference;

    public RenderPath(JitterBuffer jitter, AudioFormat decoded, AudioFormat speaker, EchoCanceller? canceller)
    {
        int processingRate = canceller?.Options.SampleRate ?? speaker.SampleRate;
        _jitter = jitter;
        _decoded = decoded;
        _speaker = speaker;
        _canceller = canceller;
        _toSpeaker = new Resampler(decoded.SampleRate, speaker.SampleRate, speaker.Channels);
        _toCanceller = new Resampler(speaker.SampleRate, processingRate, speaker.Channels);
        _decodedFrame = new float[decoded.InterleavedSamplesPer10Ms];
        _speakerChannels = new float[decoded.SamplesPer10Ms * speaker.Channels];
        _reference = new float[processingRate / 100 * speaker.Channels];
    }

    /// <summary>Fills one 10 ms loudspeaker frame and feeds it to the echo canceller.</summary>
    public void ProcessFrame(Span<float> speaker)
    {
        _jitter.Read(_decodedFrame);
        ChannelMixer.Convert(_decodedFrame, _decoded.Channels, _speakerChannels, _speaker.Channels, _decoded.SamplesPer10Ms);
        _toSpeaker.Process(_speakerChannels, speaker);
        if (_canceller is null)
            return;
        _toCanceller.Process(speaker, _reference);
        _canceller.ProcessRender(_reference);
    }
}
