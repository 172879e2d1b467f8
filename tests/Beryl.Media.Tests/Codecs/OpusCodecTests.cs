using Beryl.Media.Audio;
using Beryl.Media.Codecs.Opus;
using Beryl.Media.Tests.Audio;

namespace Beryl.Media.Tests.Codecs;

[TestFixture]
public sealed class OpusCodecTests
{
    private const int Rate = 48_000;
    private const int Frame = 960;

    [SetUp]
    public void RequireLibrary() => CodecSignals.RequireOpus();

    [Test]
    public void Speech_survives_a_round_trip_at_32_kbps_after_the_codec_delay()
    {
        var (reference, aligned, lag, lookahead) = RoundTripAt32Kbps(OpusApplication.Audio);
        double correlation = CodecSignals.Correlation(reference, aligned);
        double snr = CodecSignals.SnrDb(reference, aligned);
        TestContext.Out.WriteLine($"delay {lag} samples ({lag / 48.0:0.00} ms), lookahead {lookahead}, correlation {correlation:0.0000}, SNR {snr:0.0} dB");
        Assert.Multiple(() =>
        {
            Assert.That(lag, Is.InRange(lookahead - 24, lookahead + 24), "delay found by cross-correlation near OPUS_GET_LOOKAHEAD");
            Assert.That(correlation, Is.GreaterThan(0.98));
            Assert.That(snr, Is.GreaterThan(15));
        });
    }

    [Test]
    public void Speech_mode_keeps_the_spectrum_at_32_kbps()
    {
        // SILK does not match the waveform (about 5 dB SNR here) but keeps the short-time spectrum.
        var (reference, aligned, lag, lookahead) = RoundTripAt32Kbps(OpusApplication.Voip);
        double similarity = CodecSignals.SpectralSimilarity(reference, aligned, Rate, Frame);
        double mismatched = CodecSignals.SpectralSimilarity(reference, CodecSignals.Speech(Rate, 1.1, f0: 240).AsSpan(Rate / 10, Rate), Rate, Frame);
        TestContext.Out.WriteLine($"delay {lag}, spectral similarity {similarity:0.000} (another voice: {mismatched:0.000})");
        Assert.Multiple(() =>
        {
            Assert.That(lag, Is.InRange(lookahead - 24, lookahead + 24));
            Assert.That(similarity, Is.GreaterThan(0.9));
            Assert.That(mismatched, Is.LessThan(0.8), "the measure tells different signals apart");
        });
    }

    /// <summary>1 s of speech from 100 ms on, and its decoded version shifted by the delay found by cross-correlation.</summary>
    private static (float[] Reference, float[] Aligned, int Lag, int Lookahead) RoundTripAt32Kbps(OpusApplication application)
    {
        float[] speech = CodecSignals.Speech(Rate, 2.0);
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 1), options: new OpusEncoderOptions { Bitrate = 32_000, Application = application });
        using var decoder = new OpusDecoder(new AudioFormat(Rate, 1));
        float[] decoded = CodecSignals.Decode(decoder, CodecSignals.Encode(encoder, speech), Frame);
        int lag = CodecSignals.BestLag(speech, decoded, Frame);
        return (speech[(Rate / 10)..(Rate / 10 + Rate)], decoded[(Rate / 10 + lag)..(Rate / 10 + lag + Rate)], lag, encoder.Lookahead);
    }

    [Test]
    public void Stereo_keeps_the_channels_apart()
    {
        float[] left = CodecSignals.Speech(Rate, 1.5, f0: 120);
        float[] right = CodecSignals.Speech(Rate, 1.5, f0: 210);
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 2), options: new OpusEncoderOptions { Bitrate = 64_000, Application = OpusApplication.Audio });
        using var decoder = new OpusDecoder(new AudioFormat(Rate, 2));
        float[] decoded = CodecSignals.Decode(decoder, CodecSignals.Encode(encoder, CodecSignals.Interleave(left, right)), Frame);
        float[] outLeft = CodecSignals.Channel(decoded, 2, 0);
        float[] outRight = CodecSignals.Channel(decoded, 2, 1);

        int lag = CodecSignals.BestLag(left, outLeft, Frame);
        var span = (Start: Rate / 10, Length: Rate);
        double leftLeft = CodecSignals.Correlation(left.AsSpan(span.Start, span.Length), outLeft.AsSpan(span.Start + lag, span.Length));
        double rightRight = CodecSignals.Correlation(right.AsSpan(span.Start, span.Length), outRight.AsSpan(span.Start + lag, span.Length));
        double leftRight = CodecSignals.Correlation(left.AsSpan(span.Start, span.Length), outRight.AsSpan(span.Start + lag, span.Length));
        double rightLeft = CodecSignals.Correlation(right.AsSpan(span.Start, span.Length), outLeft.AsSpan(span.Start + lag, span.Length));
        TestContext.Out.WriteLine($"L→L {leftLeft:0.000}, R→R {rightRight:0.000}, L→R {leftRight:0.000}, R→L {rightLeft:0.000}");
        Assert.Multiple(() =>
        {
            Assert.That(leftLeft, Is.GreaterThan(0.9));
            Assert.That(rightRight, Is.GreaterThan(0.9));
            Assert.That(Math.Abs(leftRight), Is.LessThan(0.3));
            Assert.That(Math.Abs(rightLeft), Is.LessThan(0.3));
        });
    }

    [Test]
    public void The_bitrate_sets_the_packet_size()
    {
        float[] speech = CodecSignals.Speech(Rate, 2.0);
        double MeanBytes(int bitrate)
        {
            using var encoder = new OpusEncoder(new AudioFormat(Rate, 1), options: new OpusEncoderOptions { Bitrate = bitrate, InbandFec = false, PacketLossPercent = 0 });
            return CodecSignals.Encode(encoder, speech).Skip(10).Average(p => p.Length);
        }

        double low = MeanBytes(16_000), high = MeanBytes(64_000);
        TestContext.Out.WriteLine($"16 kbit/s: {low:0.0} B/packet (target 40), 64 kbit/s: {high:0.0} B/packet (target 160)");
        Assert.Multiple(() =>
        {
            Assert.That(low, Is.InRange(40 * 0.6, 40 * 1.4));
            Assert.That(high, Is.InRange(160 * 0.6, 160 * 1.4));
        });
    }

    [Test]
    public void The_complexity_changes_between_frames_and_is_clamped()
    {
        var format = new AudioFormat(16_000, 1);
        using var encoder = new OpusEncoder(format, options: new OpusEncoderOptions { Complexity = 2 });
        float[] speech = CodecSignals.Speech(format.SampleRate, 0.2);
        Assert.That(encoder.Complexity, Is.EqualTo(2));
        encoder.SetComplexity(0);
        Assert.That(encoder.Complexity, Is.Zero);
        Assert.That(CodecSignals.Encode(encoder, speech).All(p => p.Length > 0), "frames encode after the change");
        encoder.SetComplexity(99);
        Assert.That(encoder.Complexity, Is.EqualTo(10));
        encoder.SetComplexity(-1);
        Assert.That(encoder.Complexity, Is.Zero);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Dtx_sends_nothing_during_silence(bool dtx)
    {
        // libopus 1.3 stops sending on digital silence (or what its analysis calls inactive: not white noise).
        float[] silence = new float[Rate * 2];
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 1), options: new OpusEncoderOptions { Dtx = dtx });
        var packets = CodecSignals.Encode(encoder, silence);
        int empty = packets.Count(p => p.Length == 0);
        TestContext.Out.WriteLine($"DTX {dtx}: {empty} of {packets.Count} frames not sent, sent sizes {string.Join(",", packets.Where(p => p.Length > 0).Select(p => p.Length).Distinct())}");
        if (dtx)
            Assert.That(packets.Skip(packets.Count / 2).Count(p => p.Length == 0), Is.GreaterThan(packets.Count / 2 * 0.9), "second second: mostly nothing to send");
        else
            Assert.That(empty, Is.Zero);
    }

    [Test]
    public void Fec_rebuilds_a_lost_packet_better_than_concealment()
    {
        float[] speech = CodecSignals.Speech(Rate, 3.0);
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 1), options: new OpusEncoderOptions { Bitrate = 32_000, InbandFec = true, PacketLossPercent = 20 });
        var packets = CodecSignals.Encode(encoder, speech);
        using var clean = new OpusDecoder(new AudioFormat(Rate, 1));
        float[] reference = CodecSignals.Decode(clean, packets, Frame);

        double fecError = 0, plcError = 0, energy = 0;
        for (int lost = 20; lost < packets.Count - 1; lost += 17)
        {
            fecError += LossError(packets, lost, reference, useFec: true);
            plcError += LossError(packets, lost, reference, useFec: false);
            energy += Math.Pow(SignalMeasure.Rms(reference.AsSpan(lost * Frame, Frame)), 2) * Frame;
        }

        TestContext.Out.WriteLine($"error against the loss-free decode: FEC {10 * Math.Log10(fecError / energy):0.0} dB, PLC {10 * Math.Log10(plcError / energy):0.0} dB");
        Assert.That(fecError, Is.LessThan(plcError / 2));
    }

    private static double LossError(List<byte[]> packets, int lost, float[] reference, bool useFec)
    {
        using var decoder = new OpusDecoder(new AudioFormat(Rate, 1));
        var pcm = new float[decoder.MaxFrameSize];
        for (int i = 0; i < lost; i++)
            decoder.Decode(packets[i], pcm);
        var rebuilt = new float[Frame];
        int frames = useFec ? decoder.DecodeFec(packets[lost + 1], rebuilt) : decoder.Conceal(rebuilt);
        Assert.That(frames, Is.EqualTo(Frame));
        double error = 0;
        for (int i = 0; i < Frame; i++)
            error += Math.Pow(rebuilt[i] - reference[lost * Frame + i], 2);
        return error;
    }

    [Test]
    public void Concealment_continues_the_audio_fades_over_a_long_loss_and_fades_back_in()
    {
        float[] speech = CodecSignals.Speech(Rate, 1.2);
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 1));
        var packets = CodecSignals.Encode(encoder, speech);
        using var decoder = new OpusDecoder(new AudioFormat(Rate, 1));
        float[] decoded = CodecSignals.Decode(decoder, packets.Take(50), Frame);
        var concealed = new float[Rate / 2];
        for (int offset = 0; offset < concealed.Length; offset += Frame)
            Assert.That(decoder.Conceal(concealed.AsSpan(offset, Frame)), Is.EqualTo(Frame));
        var resumed = new float[decoder.MaxFrameSize];
        Assert.That(decoder.Decode(packets[^1], resumed), Is.EqualTo(Frame));

        double junction = Math.Abs(concealed[0] - decoded[^1]);
        double largestStep = 0;
        for (int i = decoded.Length - Frame; i < decoded.Length; i++)
            largestStep = Math.Max(largestStep, Math.Abs(decoded[i] - decoded[i - 1]));
        double before = SignalMeasure.Rms(decoded.AsSpan(decoded.Length - Frame));
        double first = SignalMeasure.Rms(concealed.AsSpan(0, Frame));
        double fading = SignalMeasure.Rms(concealed.AsSpan(Rate / 5, Rate / 20));
        double late = SignalMeasure.Rms(concealed.AsSpan(Rate * 3 / 10));
        TestContext.Out.WriteLine($"junction step {junction:0.0000} (largest step in the last frame {largestStep:0.0000}); RMS: last 20 ms {before:0.0000}, first concealed 20 ms {first:0.0000}, 200..250 ms {fading:0.0000}, after 300 ms {late}; first sample after the loss {resumed[0]:0.00000}");
        Assert.Multiple(() =>
        {
            Assert.That(junction, Is.LessThan(largestStep / 4), "no click where concealment starts");
            Assert.That(first, Is.InRange(before * 0.5, before * 2), "concealment starts at the level of the audio before");
            Assert.That(fading, Is.GreaterThan(0).And.LessThan(first / 2), "fading 200 ms into the loss");
            Assert.That(late, Is.Zero, "silent after 300 ms");
            Assert.That(Math.Abs(resumed[0]), Is.LessThan(largestStep), "the audio after the loss fades in");
            Assert.That(SignalMeasure.Rms(resumed.AsSpan(Frame / 2, Frame / 2)), Is.GreaterThan(before * 0.3), "and is at full level soon");
        });
    }

    [Test]
    public void Hostile_payloads_never_throw_and_the_decoder_recovers()
    {
        float[] speech = CodecSignals.Speech(Rate, 1.0);
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 1));
        var packets = CodecSignals.Encode(encoder, speech);
        using var decoder = new OpusDecoder(new AudioFormat(Rate, 1));
        var pcm = new float[decoder.MaxFrameSize];
        var random = new Random(6716);
        int rejected = 0, decoded = 0;
        for (int i = 0; i < 3000; i++)
        {
            byte[] payload = i % 3 == 0
                ? RandomBytes(random, random.Next(0, 1300))
                : PacketMutator.Mutate(random, packets[random.Next(packets.Count)]);
            int frames = decoder.Decode(payload, pcm);
            int counted = decoder.GetFrameCount(payload);
            if (frames < 0)
            {
                rejected++;
                Assert.That(frames, Is.EqualTo(-1));
                continue;
            }

            decoded++;
            Assert.That(frames, Is.EqualTo(counted).And.InRange(1, decoder.MaxFrameSize), "a decodable payload's frame count");
            Assert.That(pcm.AsSpan(0, frames).ToArray().All(float.IsFinite), Is.True, "finite output");
            Assert.That(decoder.DecodeFec(payload, pcm.AsSpan(0, Frame)), Is.EqualTo(Frame));
        }

        TestContext.Out.WriteLine($"{rejected} rejected, {decoded} decoded (garbage that parses)");
        Assert.That(rejected, Is.GreaterThan(300), "the hostile set does contain unparseable payloads");

        using var fresh = new OpusDecoder(new AudioFormat(Rate, 1));
        float[] expected = CodecSignals.Decode(fresh, packets, Frame);
        float[] recovered = CodecSignals.Decode(decoder, packets, Frame);
        var tail = Range.StartAt(expected.Length / 2);
        Assert.That(CodecSignals.Correlation(expected.AsSpan()[tail], recovered.AsSpan()[tail]), Is.GreaterThan(0.99), "good packets decode as they would have");
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    [Test]
    public void Bad_float_input_is_encoded_without_throwing()
    {
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 1));
        using var decoder = new OpusDecoder(new AudioFormat(Rate, 1));
        var payload = new byte[1500];
        var pcm = new float[decoder.MaxFrameSize];
        foreach (float value in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -5f })
        {
            int length = encoder.Encode(Enumerable.Repeat(value, Frame).ToArray(), payload);
            Assert.That(length, Is.InRange(1, 1500), $"{value}");
            Assert.That(decoder.Decode(payload.AsSpan(0, length), pcm), Is.EqualTo(Frame), $"{value}");
        }
    }

    [Test]
    public void Empty_and_oversized_requests_are_refused_without_throwing()
    {
        using var decoder = new OpusDecoder(new AudioFormat(Rate, 1));
        var pcm = new float[decoder.MaxFrameSize];
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 1), frameDurationMs: 60);
        var payload = new byte[1500];
        int length = encoder.Encode(CodecSignals.Speech(Rate, 0.06), payload);
        Assert.Multiple(() =>
        {
            Assert.That(decoder.Decode([], pcm), Is.EqualTo(-1), "empty payload");
            Assert.That(decoder.GetFrameCount([]), Is.EqualTo(-1), "empty payload");
            Assert.That(decoder.GetFrameCount(payload.AsSpan(0, length)), Is.EqualTo(2880));
            Assert.That(decoder.Decode(payload.AsSpan(0, length), pcm.AsSpan(0, 960)), Is.EqualTo(-1), "60 ms packet into 20 ms of room");
            Assert.That(decoder.Decode(payload.AsSpan(0, length), pcm), Is.EqualTo(2880));
            Assert.That(decoder.DecodeFec([], pcm.AsSpan(0, 960)), Is.EqualTo(960), "no next packet: concealment");
            Assert.That(decoder.Conceal(pcm.AsSpan(0, 100)), Is.EqualTo(100), "less than 2.5 ms: silence");
            Assert.That(pcm.AsSpan(0, 100).ToArray(), Is.All.EqualTo(0f));
        });
    }

    [TestCase(48_000, 1, 20, 960, 960u)]
    [TestCase(48_000, 2, 10, 480, 480u)]
    [TestCase(16_000, 1, 20, 320, 960u)]
    [TestCase(8_000, 1, 60, 480, 2880u)]
    [TestCase(24_000, 2, 40, 960, 1920u)]
    public void Frame_size_follows_the_pcm_rate_and_the_timestamp_the_48_kHz_clock(int rate, int channels, int ms, int frameSize, uint increment)
    {
        using var encoder = new OpusEncoder(new AudioFormat(rate, channels), ms);
        using var decoder = new OpusDecoder(new AudioFormat(48_000, 1));
        var payload = new byte[1500];
        int length = encoder.Encode(new float[encoder.FrameSize * channels], payload);
        Assert.Multiple(() =>
        {
            Assert.That(encoder.FrameSize, Is.EqualTo(frameSize));
            Assert.That(encoder.TimestampIncrement, Is.EqualTo(increment));
            Assert.That(decoder.GetFrameCount(payload.AsSpan(0, length)), Is.EqualTo((int)increment), "a 48 kHz decoder counts the packet in RTP units");
            Assert.That(encoder.Codec, Is.EqualTo(Beryl.Media.Sdp.SdpCodec.Opus));
        });
    }

    [Test]
    public void Unsupported_settings_are_refused_at_construction()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => new OpusEncoder(new AudioFormat(44_100, 1)));
            Assert.Throws<ArgumentException>(() => new OpusDecoder(new AudioFormat(32_000, 1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoder(new AudioFormat(Rate, 1), 30));
            Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoder(new AudioFormat(Rate, 1), options: new OpusEncoderOptions { Complexity = 11 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => new OpusEncoder(new AudioFormat(Rate, 1), options: new OpusEncoderOptions { Bitrate = 1000 }));
            using var encoder = new OpusEncoder(new AudioFormat(Rate, 1));
            Assert.Throws<ArgumentException>(() => encoder.Encode(new float[Frame - 1], new byte[1500]), "not one frame");
        });
    }

    [Test]
    public void Encoding_and_decoding_do_not_allocate_after_warm_up()
    {
        float[] speech = CodecSignals.Speech(Rate, 0.2);
        using var encoder = new OpusEncoder(new AudioFormat(Rate, 1), options: new OpusEncoderOptions { Dtx = true });
        using var decoder = new OpusDecoder(new AudioFormat(Rate, 1));
        var payload = new byte[1500];
        var pcm = new float[decoder.MaxFrameSize];

        void Run()
        {
            for (int offset = 0; offset + Frame <= speech.Length; offset += Frame)
            {
                int length = encoder.Encode(speech.AsSpan(offset, Frame), payload);
                decoder.GetFrameCount(payload.AsSpan(0, length));
                decoder.Decode(payload.AsSpan(0, length), pcm);
                decoder.Conceal(pcm.AsSpan(0, Frame));
                decoder.DecodeFec(payload.AsSpan(0, length), pcm.AsSpan(0, Frame));
                encoder.SetPacketLossPercent(offset % 30);
            }
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void A_disposed_codec_refuses_work()
    {
        var encoder = new OpusEncoder(new AudioFormat(Rate, 1));
        var decoder = new OpusDecoder(new AudioFormat(Rate, 1));
        encoder.Dispose();
        decoder.Dispose();
        decoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => encoder.Encode(new float[Frame], new byte[1500]));
        Assert.Throws<ObjectDisposedException>(() => decoder.Decode([0xF8, 0xFF, 0xFE], new float[Frame]));
    }
}
