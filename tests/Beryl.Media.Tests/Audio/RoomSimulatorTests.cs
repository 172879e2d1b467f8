using Beryl.Media.Audio;

namespace Beryl.Media.Tests.Audio;

public class RoomSimulatorTests
{
    /// <summary>Plays <paramref name="speaker"/> frame by frame, reading one microphone frame after each speaker frame.</summary>
    private static float[] RunInStep(RoomSimulator room, float[] speaker)
    {
        int frame = room.Speaker.Format.SamplesPer10Ms;
        var mic = new float[speaker.Length];
        for (int i = 0; i + frame <= speaker.Length; i += frame)
        {
            room.Speaker.Write(speaker.AsSpan(i, frame));
            Assert.That(room.Microphone.Read(mic.AsSpan(i, frame)), Is.EqualTo(frame));
        }
        return mic;
    }

    private static RecordingSink Recorder(int rate, int frames) => new(new AudioFormat(rate, 1), frames);

    [TestCase(16_000, 30)]
    [TestCase(44_100, 45)] // 441-sample frames: the convolver falls back to 256-sample blocks
    [TestCase(48_000, 0)]
    public void Echo_is_the_delayed_convolution_of_the_speaker_signal(int rate, int delayMs)
    {
        float[] rir = SignalMeasure.Noise(10, 1500, 0.3f);
        rir[0] = 1f;
        float[] speaker = SignalMeasure.Noise(11, rate / 2, 0.5f);
        var room = new RoomSimulator(new RoomSimulatorOptions
        {
            SampleRate = rate, ImpulseResponse = rir, Delay = TimeSpan.FromMilliseconds(delayMs), EchoGainDb = -6,
        });

        float[] mic = RunInStep(room, speaker);

        double gain = Math.Pow(10, -6 / 20.0);
        double[] expected = SignalMeasure.DirectConvolution(speaker, rir, (int)room.DelaySamples, mic.Length);
        double peak = expected.Max(Math.Abs), maxError = 0;
        for (int n = 0; n < mic.Length; n++)
            maxError = Math.Max(maxError, Math.Abs(mic[n] - gain * expected[n]));
        TestContext.Out.WriteLine($"max error / peak = {maxError / peak:E2}");
        Assert.That(room.DelaySamples, Is.EqualTo(rate * delayMs / 1000));
        Assert.That(peak, Is.GreaterThan(1));
        Assert.That(maxError / peak, Is.LessThan(1e-5), $"max error {maxError} against a peak of {peak}");
        Assert.That(room.Statistics.Underruns, Is.Zero);
    }

    [TestCase(120)]
    [TestCase(250)]
    public void Delay_measured_by_cross_correlation_is_the_configured_delay(int delayMs)
    {
        const int rate = 16_000;
        float[] speaker = SignalMeasure.Noise(20, rate, 0.5f);
        var room = new RoomSimulator(new RoomSimulatorOptions { SampleRate = rate, Delay = TimeSpan.FromMilliseconds(delayMs), Rt60Seconds = 0.25 });

        float[] mic = RunInStep(room, speaker);

        double lag = SignalMeasure.Lag(speaker, mic, 6000, 8000, 0, 5000);
        Assert.That(lag, Is.EqualTo(rate * delayMs / 1000.0).Within(0.5));
    }

    [TestCase(200.0)]
    [TestCase(-200.0)]
    public void Drift_moves_the_echo_delay_by_ppm_microseconds_per_second(double ppm)
    {
        const int rate = 8000, delay = 800;
        float[] speaker = SignalMeasure.Noise(30, 20 * rate, 0.5f);
        var room = new RoomSimulator(new RoomSimulatorOptions
        {
            SampleRate = rate, ImpulseResponse = [1f], Delay = TimeSpan.FromMilliseconds(100), DriftPpm = ppm,
        });

        float[] mic = RunInStep(room, speaker);

        double early = SignalMeasure.Lag(speaker, mic, 1 * rate, rate, delay - 50, delay + 50);
        double late = SignalMeasure.Lag(speaker, mic, 18 * rate, rate, delay - 50, delay + 50);
        // Over the 17 s between the windows the delay changes by ppm µs per second: 3.4 ms = 27.2 samples at 8 kHz.
        double movedMicroseconds = (late - early) / rate * 1e6;
        TestContext.Out.WriteLine($"delay moved {movedMicroseconds:F1} µs over 17 s");
        Assert.That(movedMicroseconds, Is.EqualTo(-ppm * 17).Within(20));
        Assert.That(room.Statistics.Underruns, Is.Zero);
    }

    [Test]
    public void Without_drift_or_distortion_a_unit_room_is_a_pure_delay()
    {
        float[] speaker = SignalMeasure.Noise(31, 16_000, 0.5f);
        var room = new RoomSimulator(new RoomSimulatorOptions { SampleRate = 16_000, ImpulseResponse = [1f], Delay = TimeSpan.FromMilliseconds(50) });

        float[] mic = RunInStep(room, speaker);

        Assert.That(mic[..800], Is.All.Zero);
        for (int n = 800; n < mic.Length; n++)
            Assert.That(mic[n], Is.EqualTo(speaker[n - 800]).Within(1e-6), $"sample {n}");
    }

    [Test]
    public void Echo_near_end_and_noise_truths_sum_to_the_microphone()
    {
        const int rate = 16_000, frames = rate;
        var echo = Recorder(rate, frames);
        var near = Recorder(rate, frames);
        var noise = Recorder(rate, frames);
        var format = new AudioFormat(rate, 1);
        var room = new RoomSimulator(new RoomSimulatorOptions
        {
            SampleRate = rate, Rt60Seconds = 0.2, NearEnd = new ToneSource(format, 300, 0.3f), NoiseLevelDb = -40,
            DistortionDrive = 1, DriftPpm = 50, EchoTruth = echo, NearEndTruth = near, NoiseTruth = noise,
        });

        float[] mic = RunInStep(room, SignalMeasure.Noise(40, frames, 0.5f));

        var tone = new float[frames];
        new ToneSource(format, 300, 0.3f).Read(tone);
        Assert.That(near.Samples.ToArray(), Is.EqualTo(tone));
        Assert.That(20 * Math.Log10(SignalMeasure.Rms(noise.Samples)), Is.EqualTo(-40).Within(0.2));
        Assert.That(SignalMeasure.Rms(echo.Samples[3000..]), Is.GreaterThan(0.1));
        for (int n = 0; n < frames; n++)
            Assert.That(mic[n], Is.EqualTo(echo.Samples[n] + near.Samples[n] + noise.Samples[n]), $"sample {n}");
    }

    [Test]
    public void Distortion_adds_a_third_harmonic_to_a_pure_tone()
    {
        double Harmonic(double drive)
        {
            const int rate = 16_000;
            var room = new RoomSimulator(new RoomSimulatorOptions
            {
                SampleRate = rate, ImpulseResponse = [1f], Delay = TimeSpan.Zero, DistortionDrive = drive,
            });
            var speaker = new float[rate];
            new ToneSource(room.Speaker.Format, 500, 0.8f).Read(speaker);
            float[] mic = RunInStep(room, speaker);
            Assert.That(room.Statistics.Underruns, Is.Zero);
            return SignalMeasure.ToneAmplitude(mic, rate, 1500) / SignalMeasure.ToneAmplitude(mic, rate, 500);
        }

        double clean = Harmonic(0), clipped = Harmonic(2);
        TestContext.Out.WriteLine($"3rd harmonic: {20 * Math.Log10(clean):F1} dB clean, {20 * Math.Log10(clipped):F1} dB clipped");
        Assert.That(20 * Math.Log10(clean), Is.LessThan(-80));
        Assert.That(20 * Math.Log10(clipped), Is.GreaterThan(-25));
    }

    [Test]
    public void A_late_render_side_is_counted_as_underruns_and_its_late_samples_dropped()
    {
        const int rate = 16_000, frame = 160;
        var room = new RoomSimulator(new RoomSimulatorOptions { SampleRate = rate, ImpulseResponse = [1f], Delay = TimeSpan.FromMilliseconds(20) });
        var mic = new float[frame];
        for (int i = 0; i < 50; i++)
            room.Microphone.Read(mic);
        Assert.That(room.Statistics.Underruns, Is.GreaterThan(0));
        Assert.That(mic, Is.All.Zero);

        // The render side wakes up: 50 frames behind. Those are dropped; what follows plays on time.
        float[] speaker = SignalMeasure.Noise(50, 100 * frame, 0.5f);
        room.Speaker.Write(speaker.AsSpan(0, 60 * frame));
        var heard = new float[40 * frame];
        room.Microphone.Read(heard);

        RoomSimulatorStatistics stats = room.Statistics;
        Assert.That(stats.DroppedSpeakerFrames, Is.GreaterThanOrEqualTo(48 * frame).And.LessThanOrEqualTo(50 * frame));
        Assert.That(stats.SpeakerFrames, Is.EqualTo(60 * frame));
        Assert.That(stats.MicrophoneFrames, Is.EqualTo(90 * frame));
        // Microphone sample 50·160 + n holds speaker sample 50·160 + n − 320.
        for (int n = 2 * frame; n < 8 * frame; n++)
            Assert.That(heard[n], Is.EqualTo(speaker[50 * frame + n - 2 * frame]).Within(1e-6), $"sample {n}");
    }

    [Test]
    public void A_render_side_far_ahead_is_bounded_by_the_ring_and_counted_as_overruns()
    {
        const int rate = 16_000;
        var room = new RoomSimulator(new RoomSimulatorOptions
        {
            SampleRate = rate, ImpulseResponse = [1f], Delay = TimeSpan.FromMilliseconds(100), MaxRenderLead = TimeSpan.FromMilliseconds(200),
        });
        float[] speaker = SignalMeasure.Noise(60, 2 * rate, 0.5f);
        for (int i = 0; i < speaker.Length; i += 160)
            room.Speaker.Write(speaker.AsSpan(i, 160));

        RoomSimulatorStatistics stats = room.Statistics;
        Assert.That(stats.Overruns, Is.GreaterThan(0));
        long kept = stats.SpeakerFrames - stats.DroppedSpeakerFrames;
        Assert.That(kept, Is.GreaterThanOrEqualTo(rate * 300 / 1000).And.LessThan(2 * rate));

        // What was kept plays in order, with the configured delay.
        var mic = new float[1600 + 4000];
        room.Microphone.Read(mic);
        for (int n = 1600; n < mic.Length; n++)
            Assert.That(mic[n], Is.EqualTo(speaker[n - 1600]).Within(1e-6), $"sample {n}");
    }

    [Test]
    public void Render_and_capture_on_two_threads_give_the_same_microphone_signal_as_one_thread()
    {
        const int rate = 16_000, frame = 160, frames = 300;
        float[] speaker = SignalMeasure.Noise(70, frames * frame, 0.5f);
        RoomSimulatorOptions Options() => new()
        {
            SampleRate = rate, Rt60Seconds = 0.3, Delay = TimeSpan.FromMilliseconds(60), DriftPpm = 100, DistortionDrive = 1, NoiseLevelDb = -50,
        };
        float[] expected = RunInStep(new RoomSimulator(Options()), speaker);

        var room = new RoomSimulator(Options());
        var mic = new float[speaker.Length];
        // The threads pace each other only through the simulator's own counters: render stays at most
        // 8 frames ahead, capture never reads past what render has written.
        var render = new Thread(() =>
        {
            for (int i = 0; i < frames; i++)
            {
                SpinWait.SpinUntil(() => room.Statistics.SpeakerFrames - room.Statistics.MicrophoneFrames < 8 * frame);
                room.Speaker.Write(speaker.AsSpan(i * frame, frame));
            }
        });
        var capture = new Thread(() =>
        {
            for (int i = 0; i < frames; i++)
            {
                SpinWait.SpinUntil(() => room.Statistics.SpeakerFrames >= (i + 1) * frame);
                room.Microphone.Read(mic.AsSpan(i * frame, frame));
            }
        });
        render.Start();
        capture.Start();
        Assert.That(render.Join(TimeSpan.FromSeconds(20)) && capture.Join(TimeSpan.FromSeconds(20)), Is.True, "threads finished");

        Assert.That(room.Statistics, Is.EqualTo(new RoomSimulatorStatistics(frames * frame, frames * frame, 0, 0, 0)));
        Assert.That(mic, Is.EqualTo(expected));
        Assert.That(SignalMeasure.Rms(mic.AsSpan(2000)), Is.GreaterThan(0.1));
    }

    [Test]
    public void Speaker_write_and_microphone_read_do_not_allocate_after_warm_up()
    {
        const int rate = 48_000, frame = 480;
        var format = new AudioFormat(rate, 1);
        var room = new RoomSimulator(new RoomSimulatorOptions
        {
            SampleRate = rate, Rt60Seconds = 0.5, DriftPpm = -80, DistortionDrive = 1.5, NoiseLevelDb = -60,
            NearEnd = new ToneSource(format, 200, 0.2f), EchoTruth = new NullSink(format), NearEndTruth = Recorder(rate, 100_000),
        });
        float[] speaker = SignalMeasure.Noise(80, frame, 0.5f);
        var mic = new float[frame];
        // Long enough for every path (the drift re-timing, the noise and the ring's wrap) to have run once: a first
        // call may load a type, which allocates, and that is not the audio path's cost.
        for (int i = 0; i < 300; i++)
        {
            room.Speaker.Write(speaker);
            room.Microphone.Read(mic);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            room.Speaker.Write(speaker);
            room.Microphone.Read(mic);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(SignalMeasure.Rms(mic), Is.GreaterThan(0.01));
    }

    [Test]
    public void Microphone_reads_of_any_length_match_frame_by_frame_reads()
    {
        float[] speaker = SignalMeasure.Noise(90, 16_000, 0.5f);
        RoomSimulatorOptions options = new() { SampleRate = 16_000, Rt60Seconds = 0.1, Delay = TimeSpan.FromMilliseconds(200) };
        float[] expected = RunInStep(new RoomSimulator(options), speaker);

        var room = new RoomSimulator(options);
        room.Speaker.Write(speaker.AsSpan(0, 8000));
        var mic = new float[speaker.Length];
        room.Microphone.Read(mic.AsSpan(0, 7));
        room.Microphone.Read(mic.AsSpan(7, 5000));
        room.Speaker.Write(speaker.AsSpan(8000));
        room.Microphone.Read(mic.AsSpan(5007));

        Assert.That(mic, Is.EqualTo(expected));
    }

    [Test]
    public void Impulse_response_wav_must_be_at_the_room_rate()
    {
        using var dir = new TempDirectory();
        string path = dir.File("rir.wav");
        float[] left = SignalMeasure.Noise(100, 400, 0.5f), right = SignalMeasure.Noise(101, 400, 0.5f);
        WavWriter.WriteAll(path, 16_000, [left, right], WavSampleFormat.Float32);

        Assert.That(RoomSimulator.LoadImpulseResponse(path, 16_000), Is.EqualTo(left));
        var error = Assert.Throws<WavFormatException>(() => RoomSimulator.LoadImpulseResponse(path, 48_000))!;
        Assert.That(error.Message, Does.StartWith(path).And.Contain("16000 Hz").And.Contain("48000 Hz"));

        string empty = dir.File("empty.wav");
        WavWriter.WriteAll(empty, 16_000, [Array.Empty<float>()]);
        Assert.That(() => RoomSimulator.LoadImpulseResponse(empty, 16_000), Throws.TypeOf<WavFormatException>().With.Message.Contain("no samples"));
    }

    [Test]
    public void Synthetic_response_is_seeded_and_decays_60_dB_over_rt60()
    {
        const int rate = 16_000;
        float[] h = RoomSimulator.SyntheticImpulseResponse(rate, 0.4, 7);

        Assert.That(h, Has.Length.EqualTo(6400));
        Assert.That(h[0], Is.EqualTo(1f));
        Assert.That(RoomSimulator.SyntheticImpulseResponse(rate, 0.4, 7), Is.EqualTo(h));
        Assert.That(RoomSimulator.SyntheticImpulseResponse(rate, 0.4, 8), Is.Not.EqualTo(h));
        // Between 0.1 and 0.6 of RT60 the tail must fall by 0.5 × 60 dB.
        double early = SignalMeasure.Rms(h.AsSpan(640, 640)), late = SignalMeasure.Rms(h.AsSpan(3840, 640));
        Assert.That(20 * Math.Log10(early / late), Is.EqualTo(30).Within(3));
        // Past the early reflections (20 ms = 320 samples) only the tail is left: its share of the 0.5 total is exp(-2·d·319).
        double decay = Math.Log(1000) / (0.4 * rate);
        double tailEnergy = h.Skip(320).Sum(v => (double)v * v);
        Assert.That(tailEnergy, Is.EqualTo(0.5 * Math.Exp(-2 * decay * 319)).Within(15).Percent);
    }

    [Test]
    public void Bad_options_are_refused_with_a_reason()
    {
        var other = new AudioFormat(48_000, 1);
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { SampleRate = 16_000, NearEnd = new SilenceSource(other) }),
            Throws.ArgumentException.With.Message.Contain("near-end"));
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { SampleRate = 16_000, EchoTruth = new NullSink(other) }),
            Throws.ArgumentException.With.Message.Contain("echo truth"));
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { ImpulseResponse = [1f, float.NaN] }),
            Throws.ArgumentException.With.Message.Contain("NaN"));
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { ImpulseResponse = [] }), Throws.ArgumentException);
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { DriftPpm = 5000 }), Throws.ArgumentException.With.Message.Contain("ppm"));
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { DriftPpm = double.NaN }), Throws.ArgumentException);
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { Delay = TimeSpan.FromSeconds(-1) }), Throws.ArgumentException);
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { SampleRate = 22_050 }), Throws.ArgumentException);
        Assert.That(() => new RoomSimulator(new RoomSimulatorOptions { NoiseLevelDb = double.PositiveInfinity }), Throws.ArgumentException);
        Assert.That(() => RoomSimulator.SyntheticImpulseResponse(16_000, 0, 1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Hostile_speaker_samples_do_not_break_the_room()
    {
        var room = new RoomSimulator(new RoomSimulatorOptions { SampleRate = 8000, ImpulseResponse = [1f, 0.5f], Delay = TimeSpan.Zero, DistortionDrive = 1 });
        var mic = new float[80];
        room.Speaker.Write([float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f]);
        room.Speaker.Write(new float[76]);
        room.Microphone.Read(mic);
        room.Speaker.Write(new float[80]);
        room.Microphone.Read(mic);

        Assert.That(room.Statistics.MicrophoneFrames, Is.EqualTo(160));
        Assert.That(mic, Is.All.Matches<float>(float.IsFinite));
    }
}
