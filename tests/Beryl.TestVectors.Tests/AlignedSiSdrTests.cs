using Beryl.TestVectors.Dsp;
using Beryl.TestVectors.Metrics;
using Beryl.TestVectors.Synthesis;

namespace Beryl.TestVectors.Tests;

public class AlignedSiSdrTests
{
    private const int Rate = 16000;

    // A jitter buffer that waited out a stall a third of the way in and kept the delay: the talk plays 150 ms later
    // from there on, with noise 20 dB under it.
    [TestCase(0.15)]
    [TestCase(-0.15)]
    [TestCase(0.4)]
    public void A_talker_whose_playout_jumped_and_stayed_there_is_found_again(double jumpSeconds)
    {
        var talk = new SpeechSynthesizer(TalkerVoice.Female, Rate, new DeterministicRandom(3, "aligned")).Talk(9 * Rate);
        var noise = new DeterministicRandom(4, "noise");
        int before = (int)(0.3 * Rate), after = (int)((0.3 + jumpSeconds) * Rate), jumpAt = 3 * Rate;
        var received = new float[12 * Rate];
        for (int i = 0; i < talk.Length; i++)
            received[i + (i < jumpAt ? before : after)] += talk[i];
        double level = Math.Sqrt(talk.Average(x => (double)x * x));
        for (int i = 0; i < received.Length; i++)
            received[i] += (float)(0.1 * level * noise.NextGaussian());

        double? score = AlignedSiSdr.MedianDb(received, talk, Rate, 0.5, 8.5, maxLagSeconds: 1);

        TestContext.Out.WriteLine($"jump {jumpSeconds * 1000:0} ms: median SI-SDR {score:0.0} dB");
        Assert.That(score, Is.InRange(17.0, 23.0), "each segment scored where it plays, at the 20 dB the noise leaves");
    }
}
