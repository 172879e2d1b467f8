using Beryl.Media.Audio;
using Beryl.Media.Resampling;
using static Beryl.Media.Tests.Resampling.ResamplerSignals;

namespace Beryl.Media.Tests.Resampling;

/// <summary>State across calls, framing, channels, argument checks and allocation.</summary>
[TestFixture]
public sealed class ResamplerStreamingTests
{
    [TestCaseSource(typeof(ResamplerSignals), nameof(Pairs))]
    public void RandomChunksGiveTheSameSamplesAsOneCall(int inputRate, int outputRate)
    {
        const int channels = 2;
        var input = Noise(inputRate + outputRate, channels * inputRate * 3 / 10);
        var whole = ProcessAll(new Resampler(inputRate, outputRate, channels), input);

        var resampler = new Resampler(inputRate, outputRate, channels);
        var random = new Random(outputRate - inputRate);
        var chunked = new List<float>();
        var buffer = new float[resampler.MaxOutputFrames(3000) * channels];
        for (int offset = 0; offset < input.Length;)
        {
            // Empty calls, single frames and chunks longer than the internal block all occur.
            int frames = Math.Min(random.Next(4) == 0 ? random.Next(3) : random.Next(3000), (input.Length - offset) / channels);
            int produced = resampler.Process(input.AsSpan(offset, frames * channels), buffer);
            chunked.AddRange(buffer.AsSpan(0, produced * channels));
            offset += frames * channels;
        }

        // Input frame j completes the outputs n with n·InputRate < (j + 1)·OutputRate, whatever the chunking.
        long expectedFrames = ((long)input.Length / channels * outputRate + inputRate - 1) / inputRate;
        Assert.That(whole, Has.Length.EqualTo(expectedFrames * channels));
        Assert.That(chunked, Is.EqualTo(whole));
    }

    [TestCaseSource(typeof(ResamplerSignals), nameof(Pairs))]
    public void EveryTenMillisecondFrameGivesExactlyOneOutputFrame(int inputRate, int outputRate)
    {
        var input = new AudioFormat(inputRate, 2);
        var output = new AudioFormat(outputRate, 2);
        var resampler = new Resampler(inputRate, outputRate, 2);
        var frame = new float[input.InterleavedSamplesPer10Ms];
        var result = new float[resampler.MaxOutputFrames(input.SamplesPer10Ms) * 2];
        var counts = new HashSet<int>();
        // 10 ms is a whole number of M input frames, so each frame starts at the same filter phase; five seconds show no drift.
        for (int i = 0; i < 500; i++)
        {
            frame.AsSpan().Fill(i % 2 == 0 ? 0.25f : -0.25f);
            counts.Add(resampler.Process(frame, result));
        }

        Assert.That(resampler.MaxOutputFrames(input.SamplesPer10Ms), Is.EqualTo(output.SamplesPer10Ms));
        Assert.That(counts, Is.EquivalentTo(new[] { output.SamplesPer10Ms }));
    }

    [TestCaseSource(typeof(ResamplerSignals), nameof(Pairs))]
    public void StereoChannelsAreFilteredIndependently(int inputRate, int outputRate)
    {
        var left = Sine(inputRate, 440, 0.5, inputRate / 10);
        var right = Noise(7, left.Length);
        var interleaved = new float[2 * left.Length];
        for (int i = 0; i < left.Length; i++)
            (interleaved[2 * i], interleaved[2 * i + 1]) = (left[i], right[i]);

        var stereo = ProcessAll(new Resampler(inputRate, outputRate, 2), interleaved);
        var leftAlone = ProcessAll(new Resampler(inputRate, outputRate, 1), left);
        var rightAlone = ProcessAll(new Resampler(inputRate, outputRate, 1), right);

        Assert.That(stereo.Where((_, i) => i % 2 == 0), Is.EqualTo(leftAlone));
        Assert.That(stereo.Where((_, i) => i % 2 == 1), Is.EqualTo(rightAlone));
    }

    [TestCase(48000, 16000)]
    [TestCase(44100, 48000)]
    [TestCase(8000, 48000)]
    public void ResetForgetsPastInputAndPhase(int inputRate, int outputRate)
    {
        var signal = Noise(11, inputRate / 20);
        var fresh = ProcessAll(new Resampler(inputRate, outputRate, 1), signal);

        var resampler = new Resampler(inputRate, outputRate, 1);
        // An odd frame count leaves the output grid between input frames.
        ProcessAll(resampler, Noise(12, 1237));
        resampler.Reset();

        Assert.That(ProcessAll(resampler, signal), Is.EqualTo(fresh));
    }

    [TestCase(0, 48000, 1)]
    [TestCase(-16000, 48000, 1)]
    [TestCase(48000, 0, 1)]
    [TestCase(48000, -8000, 2)]
    [TestCase(44101, 48000, 1)]
    [TestCase(48000, 7900, 1)]
    [TestCase(48000, 16000, 0)]
    [TestCase(48000, 16000, 3)]
    [TestCase(48000, 16000, -1)]
    public void UnsupportedRatesAndChannelsAreRejected(int inputRate, int outputRate, int channels) =>
        Assert.That(() => new Resampler(inputRate, outputRate, channels), Throws.ArgumentException);

    [TestCase(48000, 16000)]
    [TestCase(16000, 48000)]
    [TestCase(16000, 16000)]
    public void ATooSmallOutputIsRejectedWithoutConsumingInput(int inputRate, int outputRate)
    {
        var input = Noise(5, 2 * inputRate / 100);
        var expected = ProcessAll(new Resampler(inputRate, outputRate, 2), input);
        var resampler = new Resampler(inputRate, outputRate, 2);

        Assert.That(() => resampler.Process(input, new float[expected.Length - 1]), Throws.ArgumentException);
        Assert.That(() => resampler.Process(input.AsSpan(0, 3), new float[expected.Length]), Throws.ArgumentException, "half a stereo frame");
        Assert.That(() => resampler.MaxOutputFrames(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(ProcessAll(resampler, input), Is.EqualTo(expected));
    }

    [Test]
    public void NonFiniteInputPassesThroughTheFilterAndIsForgotten()
    {
        var resampler = new Resampler(48000, 16000, 1);
        var input = Noise(9, 4800);
        input[100] = float.NaN;
        input[200] = float.PositiveInfinity;
        input[300] = float.MaxValue;

        var output = ProcessAll(resampler, input);

        // A FIR holds a sample for its length only: once 300 + taps input frames are past, the output is finite again.
        int clean = (int)Math.Ceiling((300.0 + resampler.TapsPerPhase * 3) / 3);
        Assert.That(output.Skip(clean).All(float.IsFinite), Is.True);
        Assert.That(output.Take(clean).Any(float.IsNaN), Is.True, "the corrupt samples did reach the output");
    }

    [TestCase(48000, 44100, 2)]
    [TestCase(8000, 48000, 1)]
    [TestCase(32000, 32000, 2)]
    public void ProcessDoesNotAllocate(int inputRate, int outputRate, int channels)
    {
        var resampler = new Resampler(inputRate, outputRate, channels);
        var input = Noise(3, inputRate / 100 * channels);
        var output = new float[resampler.MaxOutputFrames(inputRate / 100) * channels];
        for (int i = 0; i < 20; i++)
            resampler.Process(input, output);

        // The runtime may allocate now and then on our thread (type loads, tiered JIT bookkeeping: 4-8 KB once in some
        // CI runs), so one clean round of five is required rather than all: an allocation in Process would show in each.
        var allocatedPerRound = new List<long>();
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
                resampler.Process(input, output);
            allocatedPerRound.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.That(allocatedPerRound.Min(), Is.Zero, string.Join(", ", allocatedPerRound));
    }
}
