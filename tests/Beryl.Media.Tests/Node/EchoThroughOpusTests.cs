using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Codecs.Opus;
using Beryl.Media.Tests.Audio;
using Beryl.Media.Tests.Codecs;
using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Synthesis;

namespace Beryl.Media.Tests.Node;

/// <summary>
/// A node's leg: what the node sends reaches the caller's loudspeaker through Opus, and the room's echo comes back
/// through Opus again. Where Opus codes noise-like sound it keeps the spectrum but not the waveform, so the linear
/// filter cannot remove that part of the echo, and what it leaves looked like near-end talk to the suppressor.
/// </summary>
[TestFixture]
public sealed class EchoThroughOpusTests
{
    private const int Rate = 16_000;
    private const int Frame = Rate / 100;

    [SetUp]
    public void RequireLibrary() => CodecSignals.RequireOpus();

    [Test]
    public void A_canceller_told_that_its_echo_comes_through_a_codec_removes_more_of_it()
    {
        var far = new SpeechSynthesizer(TalkerVoice.Female, Rate, new DeterministicRandom(5, "far")).Talk(12 * Rate);
        float gain = 0.05f / (float)SignalMeasure.Rms(far);
        for (int i = 0; i < far.Length; i++) far[i] *= gain;

        float[] played = ThroughOpus(far);
        float[] echo = Room(played, delaySamples: Rate / 10, seed: 6);
        var noise = new Random(7);
        for (int i = 0; i < echo.Length; i++) echo[i] += (float)(1e-4 * (noise.NextDouble() * 2 - 1));
        float[] received = ThroughOpus(echo);

        double plain = ErleDb(far, received, echoThroughCodec: false);
        double throughCodec = ErleDb(far, received, echoThroughCodec: true);
        TestContext.Out.WriteLine($"ERLE over 6..12 s: {plain:0.0} dB, {throughCodec:0.0} dB told that the echo comes through a codec");
        Assert.That(throughCodec, Is.GreaterThan(plain + 3));
    }

    private static float[] ThroughOpus(float[] pcm)
    {
        var format = new AudioFormat(Rate, 1);
        using var encoder = new OpusEncoder(format);
        using var decoder = new OpusDecoder(format);
        return CodecSignals.Decode(decoder, CodecSignals.Encode(encoder, pcm), encoder.FrameSize);
    }

    // A small room: the direct path, then 150 ms of exponentially decaying reflections, 10 dB below the loudspeaker.
    private static float[] Room(float[] played, int delaySamples, int seed)
    {
        var random = new Random(seed);
        var response = new float[Rate * 15 / 100];
        for (int i = 0; i < response.Length; i++)
            response[i] = (float)((random.NextDouble() * 2 - 1) * 0.3 * Math.Exp(-i / (0.03 * Rate)));
        response[0] = 1f;
        double gain = 0.316 / Math.Sqrt(response.Sum(h => (double)h * h));
        return SignalMeasure.DirectConvolution(played, response, delaySamples, played.Length).Select(y => (float)(gain * y)).ToArray();
    }

    // Mic over output power once the canceller has had 6 s, from equal frames' mean squares; the output's latency
    // (look-ahead and the suppressor's block) is far shorter than the 6 s measured, so the two cover the same talk.
    private static double ErleDb(float[] far, float[] mic, bool echoThroughCodec)
    {
        const int settledFrames = 600;
        var canceller = new EchoCanceller(new EchoCancellerOptions { SampleRate = Rate, EchoThroughCodec = echoThroughCodec });
        var output = new float[Frame];
        double micEnergy = 0, outputEnergy = 0;
        int frames = Math.Min(far.Length, mic.Length) / Frame;
        for (int f = 0; f < frames; f++)
        {
            canceller.ProcessRender(far.AsSpan(f * Frame, Frame));
            canceller.ProcessCapture(mic.AsSpan(f * Frame, Frame), output);
            if (f < settledFrames)
                continue;
            micEnergy += Math.Pow(SignalMeasure.Rms(mic.AsSpan(f * Frame, Frame)), 2);
            outputEnergy += Math.Pow(SignalMeasure.Rms(output), 2);
        }
        return 10 * Math.Log10(micEnergy / outputEnergy);
    }
}
