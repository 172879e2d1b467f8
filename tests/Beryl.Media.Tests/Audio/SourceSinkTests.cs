using Beryl.Media.Audio;

namespace Beryl.Media.Tests.Audio;

public class SourceSinkTests
{
    private static readonly AudioFormat Stereo48k = new(48_000, 2);
    private static readonly AudioFormat Mono16k = new(16_000, 1);

    private static string MonoFloatWav(TempDirectory dir, float[] samples)
    {
        string path = dir.File("mono.wav");
        WavWriter.WriteAll(path, 16_000, [samples], WavSampleFormat.Float32);
        return path;
    }

    [Test]
    public void Wav_round_trip_through_source_and_sink_is_exact_in_float()
    {
        using var dir = new TempDirectory();
        string path = dir.File("tone.wav");
        var tone = new ToneSource(Stereo48k, 440, 0.5f);
        var expected = new float[25 * Stereo48k.InterleavedSamplesPer10Ms];
        tone.Read(expected);
        using (var sink = new BackgroundWavFileSink(path, Stereo48k))
        {
            for (int i = 0; i < expected.Length; i += Stereo48k.InterleavedSamplesPer10Ms)
                sink.Write(expected.AsSpan(i, Stereo48k.InterleavedSamplesPer10Ms));
        }

        using var source = new WavFileSource(path);
        var recording = new RecordingSink(Stereo48k, expected.Length);
        var frame = new float[Stereo48k.InterleavedSamplesPer10Ms];
        int frames;
        while ((frames = source.Read(frame)) > 0)
            recording.Write(frame.AsSpan(0, frames * 2));

        Assert.That(source.Format, Is.EqualTo(Stereo48k));
        Assert.That(recording.Samples.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void Wav_source_ends_with_a_short_read_then_zero()
    {
        using var dir = new TempDirectory();
        float[] samples = SignalMeasure.Noise(1, 250, 0.5f);
        using var source = new WavFileSource(MonoFloatWav(dir, samples));
        var frame = new float[160];
        Assert.That(source.Read(frame), Is.EqualTo(160));
        Assert.That(source.Read(frame), Is.EqualTo(90));
        Assert.That(frame.AsSpan(0, 90).ToArray(), Is.EqualTo(samples[160..]));
        Assert.That(source.Read(frame), Is.EqualTo(0));
    }

    [Test]
    public void Looping_wav_source_repeats_the_file_seamlessly()
    {
        using var dir = new TempDirectory();
        float[] samples = SignalMeasure.Noise(2, 250, 0.5f);
        using var source = new WavFileSource(MonoFloatWav(dir, samples), loop: true);
        var output = new float[1000];
        for (int i = 0; i < output.Length; i += 160)
            Assert.That(source.Read(output.AsSpan(i, Math.Min(160, output.Length - i))), Is.EqualTo(Math.Min(160, output.Length - i)));

        for (int i = 0; i < output.Length; i++)
            Assert.That(output[i], Is.EqualTo(samples[i % samples.Length]), $"sample {i}");
    }

    [Test]
    public void Looping_an_empty_wav_ends_instead_of_spinning()
    {
        using var dir = new TempDirectory();
        using var source = new WavFileSource(MonoFloatWav(dir, []), loop: true);
        Assert.That(source.Read(new float[160]), Is.EqualTo(0));
    }

    [TestCase(22_050, 1, "22050 Hz")]
    [TestCase(16_000, 3, "3 channels")]
    [TestCase(4_000, 1, "4000 Hz")]
    public void Wav_source_refuses_formats_the_pipeline_cannot_carry(int rate, int channels, string named)
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.wav");
        WavWriter.WriteAll(path, rate, Enumerable.Range(0, channels).Select(_ => new float[10]).ToArray());

        var error = Assert.Throws<WavFormatException>(() => new WavFileSource(path))!;
        Assert.That(error.Message, Does.StartWith(path).And.Contain(named).And.Contain("8000..192000 Hz"));
    }

    [Test]
    public void Wav_source_refuses_a_file_that_is_not_wav()
    {
        using var dir = new TempDirectory();
        string path = dir.File("text.wav");
        File.WriteAllText(path, "this is not audio");

        Assert.That(() => new WavFileSource(path), Throws.TypeOf<WavFormatException>().With.Message.Contain("RIFF"));
    }

    [TestCase(1000.0, 0.5f)]
    [TestCase(3150.0, 0.25f)]
    public void Tone_has_the_asked_frequency_and_amplitude(double frequency, float amplitude)
    {
        var tone = new ToneSource(Mono16k, frequency, amplitude);
        var x = new float[16_000];
        // Odd read sizes: the phase must carry over between reads.
        for (int i = 0; i < x.Length; i += 777)
            tone.Read(x.AsSpan(i, Math.Min(777, x.Length - i)));

        Assert.That(SignalMeasure.ToneAmplitude(x, 16_000, frequency), Is.EqualTo(amplitude).Within(1e-3));
        Assert.That(SignalMeasure.ToneAmplitude(x, 16_000, frequency + 50), Is.LessThan(amplitude * 1e-3));
        Assert.That(SignalMeasure.Rms(x), Is.EqualTo(amplitude / Math.Sqrt(2)).Within(1e-3));
    }

    [Test]
    public void Tone_writes_the_same_value_to_every_channel()
    {
        var x = new float[2 * 480];
        new ToneSource(Stereo48k, 1000, 0.5f).Read(x);
        for (int i = 0; i < x.Length; i += 2)
            Assert.That(x[i + 1], Is.EqualTo(x[i]));
        Assert.That(SignalMeasure.Rms(x), Is.GreaterThan(0.3));
    }

    [TestCase(8000.0, 0.5f)]
    [TestCase(-1.0, 0.5f)]
    [TestCase(double.NaN, 0.5f)]
    [TestCase(1000.0, 1.5f)]
    public void Tone_refuses_parameters_out_of_range(double frequency, float amplitude) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ToneSource(Mono16k, frequency, amplitude));

    [Test]
    public void Sources_and_sinks_refuse_an_invalid_format()
    {
        var bad = new AudioFormat(44_123, 1);
        Assert.Throws<ArgumentException>(() => new SilenceSource(bad));
        Assert.Throws<ArgumentException>(() => new NullSink(bad));
        Assert.Throws<ArgumentException>(() => new RecordingSink(bad, 10));
    }

    [Test]
    public void Silence_source_zeroes_the_buffer_and_never_ends()
    {
        var x = Enumerable.Repeat(1f, 960).ToArray();
        Assert.That(new SilenceSource(Stereo48k).Read(x), Is.EqualTo(480));
        Assert.That(x, Is.All.Zero);
    }

    [Test]
    public void Null_sink_counts_whole_frames()
    {
        var sink = new NullSink(Stereo48k);
        sink.Write(new float[960]);
        sink.Write(new float[3]);
        Assert.That(sink.FramesWritten, Is.EqualTo(481));
    }

    [Test]
    public void Recording_sink_keeps_its_capacity_and_counts_the_rest()
    {
        var sink = new RecordingSink(Stereo48k, 100);
        float[] x = SignalMeasure.Noise(3, 2 * 70, 0.5f);
        sink.Write(x);
        sink.Write(x);
        sink.Write(x.AsSpan(0, 5)); // two whole frames and half a frame: nothing fits any more

        Assert.That(sink.FramesRecorded, Is.EqualTo(100));
        Assert.That(sink.DroppedFrames, Is.EqualTo(40 + 2));
        Assert.That(sink.Samples.ToArray(), Is.EqualTo(x.Concat(x[..60]).ToArray()));

        sink.Clear();
        sink.Write(x.AsSpan(0, 4));
        Assert.That(sink.Samples.ToArray(), Is.EqualTo(x[..4]));
        Assert.That(sink.DroppedFrames, Is.Zero);
    }

    [Test]
    public void Recording_sink_refuses_a_negative_capacity() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordingSink(Mono16k, -1));
}
