using Beryl.Media.Resampling;
using Beryl.Media.Tests.Audio;
using static Beryl.Media.Tests.Resampling.ResamplerSignals;

namespace Beryl.Media.Tests.Resampling;

/// <summary>Frequency response measured on the output: passband level and phase, stopband, images, delay.</summary>
[TestFixture]
public sealed class ResamplerQualityTests
{
    private const double MaxRippleDb = 0.01;
    private const double MinRejectionDb = 80;
    private const double Amplitude = 0.5;

    /// <summary>Passband test tones as fractions of the lower rate, up to the 0.45 passband edge.</summary>
    private static readonly double[] PassbandFractions = [0.004, 0.05, 0.13, 0.21, 0.29, 0.37, 0.41, 0.43, 0.45];

    [TestCaseSource(typeof(ResamplerSignals), nameof(Pairs))]
    public void PassbandTonesKeepTheirLevelAndArriveDelayFramesLate(int inputRate, int outputRate)
    {
        double worstRipple = 0, worstDelayError = 0;
        foreach (double fraction in PassbandFractions)
        {
            double frequency = fraction * Math.Min(inputRate, outputRate);
            var (resampler, output, start) = Run(inputRate, outputRate, frequency);
            var fit = FitTone(output.AsSpan(start), start, frequency, outputRate);
            worstRipple = Math.Max(worstRipple, Math.Abs(Db(fit.Amplitude / Amplitude)));

            // sin(ωn + φ) with φ = -ω·delay: the phase gives the delay, modulo one period of the tone.
            double omega = 2 * Math.PI * frequency / outputRate, period = outputRate / frequency;
            double error = -fit.Phase / omega - resampler.DelayFrames;
            error -= period * Math.Round(error / period);
            worstDelayError = Math.Max(worstDelayError, Math.Abs(error));
        }

        TestContext.Out.WriteLine($"{inputRate}->{outputRate}: ripple {worstRipple:0.00000} dB, phase delay error {worstDelayError:0.00000} frames");
        Assert.That(worstRipple, Is.LessThanOrEqualTo(MaxRippleDb));
        Assert.That(worstDelayError, Is.LessThan(0.01), "linear phase: every passband tone is delayed by DelayFrames");
    }

    [TestCaseSource(typeof(ResamplerSignals), nameof(Pairs))]
    public void ImagesAndNoiseAroundPassbandTonesStayBelow80Db(int inputRate, int outputRate)
    {
        double worst = double.NegativeInfinity;
        foreach (double fraction in PassbandFractions)
        {
            double frequency = fraction * Math.Min(inputRate, outputRate);
            var (_, output, start) = Run(inputRate, outputRate, frequency);
            var fit = FitTone(output.AsSpan(start), start, frequency, outputRate);
            // Whatever is not the tone: images of the input spectrum when upsampling, rounding everywhere.
            worst = Math.Max(worst, Db(fit.ResidualRms / (fit.Amplitude / Math.Sqrt(2))));
        }

        TestContext.Out.WriteLine($"{inputRate}->{outputRate}: worst residual {worst:0.0} dB");
        Assert.That(worst, Is.LessThanOrEqualTo(-MinRejectionDb));
    }

    [TestCaseSource(typeof(ResamplerSignals), nameof(DownPairs))]
    public void TonesAboveTheOutputNyquistAreRemoved(int inputRate, int outputRate)
    {
        double worst = double.NegativeInfinity, worstFrequency = 0;
        for (int i = 0; i <= 8; i++)
        {
            // From the output Nyquist itself up to just below the input Nyquist.
            double frequency = outputRate / 2.0 + i / 8.0 * (0.995 * inputRate / 2 - outputRate / 2.0);
            var (_, output, start) = Run(inputRate, outputRate, frequency);
            double level = Db(SignalMeasure.Rms(output.AsSpan(start)) / (Amplitude / Math.Sqrt(2)));
            if (level > worst)
                (worst, worstFrequency) = (level, frequency);
        }

        TestContext.Out.WriteLine($"{inputRate}->{outputRate}: worst alias {worst:0.0} dB at {worstFrequency:0} Hz");
        Assert.That(worst, Is.LessThanOrEqualTo(-MinRejectionDb));
    }

    [TestCaseSource(typeof(ResamplerSignals), nameof(Pairs))]
    public void AnImpulseComesOutDelayFramesLate(int inputRate, int outputRate)
    {
        var resampler = new Resampler(inputRate, outputRate, 1);
        // An input instant that falls between output frames for every pair but 8000->16000.
        const int at = 1001;
        var input = new float[at + 4 * resampler.TapsPerPhase + inputRate / 100];
        input[at] = 1;
        var output = ProcessAll(resampler, input);

        int peak = 0;
        for (int n = 1; n < output.Length; n++)
            if (output[n] > output[peak])
                peak = n;
        // Vertex of the parabola through the peak and its neighbours.
        double left = output[peak - 1], centre = output[peak], right = output[peak + 1];
        double measured = peak + 0.5 * (left - right) / (left - 2 * centre + right);
        double expected = (double)at * outputRate / inputRate + resampler.DelayFrames;

        TestContext.Out.WriteLine($"{inputRate}->{outputRate}: delay {resampler.DelayFrames:0.00} frames, impulse peak off by {measured - expected:0.000}");
        Assert.That(measured, Is.EqualTo(expected).Within(0.25));
    }

    [TestCase(8000)]
    [TestCase(44100)]
    [TestCase(48000)]
    public void EqualRatesCopyWithoutDelay(int rate)
    {
        var resampler = new Resampler(rate, rate, 2);
        var input = Noise(1, 2 * 333);

        Assert.That(resampler.DelayFrames, Is.Zero);
        Assert.That(ProcessAll(resampler, input), Is.EqualTo(input));
    }

    /// <summary>Half a second of a tone (after the filter's start-up), mono.</summary>
    private static (Resampler Resampler, float[] Output, int Start) Run(int inputRate, int outputRate, double frequency)
    {
        var resampler = new Resampler(inputRate, outputRate, 1);
        int start = StartUp(resampler);
        int frames = inputRate / 2 + (int)((long)start * inputRate / outputRate) + 1;
        return (resampler, ProcessAll(resampler, Sine(inputRate, frequency, Amplitude, frames)), start);
    }
}
