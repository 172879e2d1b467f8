using Beryl.Aec.Delay;

namespace Beryl.Aec.Tests.Delay;

public class DelayEstimatorTests
{
    private const int Rate = 16000, Frame = Rate / 100;

    // A bridge: before the far end talks, its render is the near-end talker sent back faintly by the far end's own
    // canceller, which correlates with the capture at a lag that is no echo path. Learnt over seconds, that lag must not
    // outweigh the far end's first talk, 30 dB louder: the estimate moves to the real path within 0.75 s (1.33 s before
    // the evidence was discounted by the rise in render level).
    [TestCase(true)]
    [TestCase(false)]
    public void LouderRenderOutweighsWhatAFaintRenderTaught(bool simd)
    {
        const int faintSeconds = 8, talkSeconds = 3, wrongMs = 600, pathMs = 150;
        var faint = TestSignals.SpeechLike(faintSeconds * Rate, Rate, 0.003, seed: 71);
        var talk = TestSignals.SpeechLike(talkSeconds * Rate, Rate, 0.1, seed: 72);
        float[] render = [.. faint, .. talk];
        // The faint render's copy in the capture sits at a talker's level among the talker's own speech.
        var near = TestSignals.SpeechLike(faintSeconds * Rate, Rate, 0.05, seed: 73);
        var capture = new float[render.Length];
        for (int i = 0; i < capture.Length; i++)
        {
            bool talking = i >= faintSeconds * Rate;
            int lag = (talking ? pathMs : wrongMs) * Rate / 1000;
            float copy = i >= lag ? render[i - lag] : 0f;
            capture[i] = talking ? 0.5f * copy : 0.05f / 0.003f * copy + near[i];
        }
        var estimator = new DelayEstimator(Rate, Rate, 30 * Rate / 1000, 50 * Rate / 1000, simd);
        double? learnt = null, switched = null;
        for (int frame = 0; frame < render.Length / Frame; frame++)
        {
            estimator.AddRender(render.AsSpan(frame * Frame, Frame));
            estimator.AddCapture(capture.AsSpan(frame * Frame, Frame), frame);
            double time = (frame + 1) / 100.0;
            if (time == faintSeconds) learnt = estimator.DelaySamples * 1000.0 / Rate;
            if (time > faintSeconds && switched is null && Math.Abs(estimator.DelaySamples * 1000.0 / Rate - pathMs) < 2) switched = time - faintSeconds;
        }
        TestContext.Out.WriteLine($"learnt {learnt:F1} ms from the faint render; {pathMs} ms found {switched:F2} s into the talk");
        Assert.That(learnt, Is.EqualTo(wrongMs).Within(2), "the faint render's lag was learnt first");
        Assert.That(switched, Is.Not.Null.And.LessThan(0.75));
    }
}
