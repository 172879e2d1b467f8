using Beryl.Media.Codecs;
using Beryl.Media.Tests.Audio;

namespace Beryl.Media.Tests.Codecs;

[TestFixture]
public sealed class G711CodecTests
{
    private const int Rate = 8000;
    private const int Frame = 160;

    [TestCase(G711Law.MuLaw, 0)]
    [TestCase(G711Law.ALaw, 8)]
    public void Speech_survives_a_round_trip(G711Law law, int payloadType)
    {
        float[] speech = CodecSignals.Speech(Rate, 1.0);
        using var encoder = new G711Encoder(law);
        using var decoder = new G711Decoder(law);
        var packets = CodecSignals.Encode(encoder, speech);
        float[] decoded = CodecSignals.Decode(decoder, packets, Frame);
        double snr = CodecSignals.SnrDb(speech, decoded);
        TestContext.Out.WriteLine($"{law}: SNR {snr:0.0} dB");
        Assert.Multiple(() =>
        {
            Assert.That(packets.All(p => p.Length == Frame), Is.True, "160 bytes per 20 ms");
            Assert.That(snr, Is.GreaterThan(30), "G.711's 8-bit companding keeps about 35 dB on speech levels");
            Assert.That(encoder.Codec.PayloadType, Is.EqualTo(payloadType));
            Assert.That(decoder.Codec, Is.EqualTo(encoder.Codec));
            Assert.That(decoder.SupportsFec, Is.False);
        });
    }

    [TestCase(10, 80)]
    [TestCase(20, 160)]
    [TestCase(60, 480)]
    public void Frame_sizes_follow_the_duration(int ms, int samples)
    {
        using var encoder = new G711Encoder(G711Law.MuLaw, ms);
        var payload = new byte[1500];
        Assert.Multiple(() =>
        {
            Assert.That(encoder.FrameSize, Is.EqualTo(samples));
            Assert.That(encoder.TimestampIncrement, Is.EqualTo((uint)samples));
            Assert.That(encoder.Format, Is.EqualTo(new Beryl.Media.Audio.AudioFormat(8000, 1)));
            Assert.That(encoder.Encode(new float[samples], payload), Is.EqualTo(samples));
        });
    }

    [Test]
    public void Bad_arguments_are_refused()
    {
        using var encoder = new G711Encoder(G711Law.ALaw);
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new G711Encoder(G711Law.MuLaw, 25));
            Assert.Throws<ArgumentOutOfRangeException>(() => new G711Encoder(G711Law.MuLaw, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new G711Encoder((G711Law)7));
            Assert.Throws<ArgumentOutOfRangeException>(() => new G711Decoder((G711Law)7));
            Assert.Throws<ArgumentException>(() => encoder.Encode(new float[Frame + 1], new byte[1500]), "not one frame");
            Assert.Throws<ArgumentException>(() => encoder.Encode(new float[Frame], new byte[Frame - 1]), "payload too small");
        });
    }

    [Test]
    public void Payloads_of_any_content_decode_and_bad_sizes_are_refused()
    {
        using var decoder = new G711Decoder(G711Law.MuLaw);
        var pcm = new float[decoder.MaxFrameSize];
        var random = new Random(711);
        for (int i = 0; i < 1000; i++)
        {
            var payload = new byte[random.Next(1, decoder.MaxFrameSize + 1)];
            random.NextBytes(payload);
            Assert.That(decoder.Decode(payload, pcm), Is.EqualTo(payload.Length).And.EqualTo(decoder.GetFrameCount(payload)));
        }

        Assert.Multiple(() =>
        {
            Assert.That(decoder.Decode([], pcm), Is.EqualTo(-1), "empty");
            Assert.That(decoder.GetFrameCount(new byte[decoder.MaxFrameSize + 1]), Is.EqualTo(-1), "longer than 120 ms");
            Assert.That(decoder.Decode(new byte[decoder.MaxFrameSize + 1], new float[2000]), Is.EqualTo(-1), "longer than 120 ms");
            Assert.That(decoder.Decode(new byte[Frame], new float[Frame - 1]), Is.EqualTo(-1), "no room");
        });
    }

    [Test]
    public void Concealment_repeats_the_pitch_and_fades_to_silence_by_60_ms()
    {
        // A stationary voiced sound (fundamental 137.5 Hz: 58.2 samples, not a whole number) and its true continuation.
        float[] voiced = Harmonic(137.5, Rate / 2 + 800);
        using var decoder = new G711Decoder(G711Law.MuLaw);
        using var encoder = new G711Encoder(G711Law.MuLaw);
        float[] decoded = CodecSignals.Decode(decoder, CodecSignals.Encode(encoder, voiced[..(Rate / 2)]), Frame);
        var concealed = new float[800];
        for (int offset = 0; offset < concealed.Length; offset += 80)
            Assert.That(decoder.Conceal(concealed.AsSpan(offset, 80)), Is.EqualTo(80));

        double firstTen = CodecSignals.Correlation(concealed.AsSpan(0, 80), voiced.AsSpan(Rate / 2, 80));
        double junction = Math.Abs(concealed[0] - decoded[^1]);
        double largestStep = 0;
        for (int i = decoded.Length - Frame; i < decoded.Length; i++)
            largestStep = Math.Max(largestStep, Math.Abs(decoded[i] - decoded[i - 1]));
        double level = SignalMeasure.Rms(decoded.AsSpan(decoded.Length - Frame));
        TestContext.Out.WriteLine($"first 10 ms vs the true continuation: correlation {firstTen:0.000}; junction {junction:0.0000} (largest step {largestStep:0.0000})");
        Assert.Multiple(() =>
        {
            Assert.That(firstTen, Is.GreaterThan(0.95), "the repeated period continues the waveform");
            Assert.That(junction, Is.LessThanOrEqualTo(largestStep), "no click where concealment starts");
            Assert.That(SignalMeasure.Rms(concealed.AsSpan(0, 80)), Is.InRange(level * 0.8, level * 1.25), "full level for 10 ms");
            Assert.That(SignalMeasure.Rms(concealed.AsSpan(240, 80)), Is.InRange(level * 0.3, level * 0.7), "half way through the fade at 30..40 ms");
            Assert.That(concealed[480..], Is.All.EqualTo(0f), "silent from 60 ms");
        });
    }

    [Test]
    public void Audio_after_a_loss_is_blended_in_without_a_click()
    {
        float[] voiced = Harmonic(137.5, Rate);
        using var decoder = new G711Decoder(G711Law.ALaw);
        using var encoder = new G711Encoder(G711Law.ALaw);
        var packets = CodecSignals.Encode(encoder, voiced);
        var pcm = new float[decoder.MaxFrameSize];
        float last = 0;
        double largestJump = 0, largestStep = 0;
        for (int i = 0; i < packets.Count; i++)
        {
            // Every fifth packet is lost: the jumps at both ends of each loss must look like the signal's own steps.
            int frames = i % 5 == 4 ? decoder.Conceal(pcm.AsSpan(0, Frame)) : decoder.Decode(packets[i], pcm);
            if (i > 0)
                largestJump = Math.Max(largestJump, Math.Abs(pcm[0] - last));
            for (int n = 1; n < frames; n++)
                largestStep = Math.Max(largestStep, Math.Abs(pcm[n] - pcm[n - 1]));
            last = pcm[frames - 1];
        }

        TestContext.Out.WriteLine($"largest jump between packets {largestJump:0.0000}, largest step inside one {largestStep:0.0000}");
        Assert.That(largestJump, Is.LessThanOrEqualTo(largestStep));
    }

    [Test]
    public void Fec_conceals_like_concealment()
    {
        float[] speech = CodecSignals.Speech(Rate, 0.3);
        using var encoder = new G711Encoder(G711Law.MuLaw);
        var packets = CodecSignals.Encode(encoder, speech);
        using var a = new G711Decoder(G711Law.MuLaw);
        using var b = new G711Decoder(G711Law.MuLaw);
        CodecSignals.Decode(a, packets, Frame);
        CodecSignals.Decode(b, packets, Frame);
        var fec = new float[Frame];
        var plc = new float[Frame];
        Assert.That(a.DecodeFec(packets[0], fec), Is.EqualTo(Frame));
        Assert.That(b.Conceal(plc), Is.EqualTo(Frame));
        Assert.That(fec, Is.EqualTo(plc));
        Assert.That(SignalMeasure.Rms(fec), Is.GreaterThan(0.01));
    }

    [Test]
    public void Encoding_decoding_and_concealment_do_not_allocate_after_warm_up()
    {
        float[] speech = CodecSignals.Speech(Rate, 0.2);
        using var encoder = new G711Encoder(G711Law.MuLaw);
        using var decoder = new G711Decoder(G711Law.MuLaw);
        var payload = new byte[1500];
        var pcm = new float[decoder.MaxFrameSize];

        void Run()
        {
            for (int offset = 0; offset + Frame <= speech.Length; offset += Frame)
            {
                int length = encoder.Encode(speech.AsSpan(offset, Frame), payload);
                decoder.Decode(payload.AsSpan(0, length), pcm);
                decoder.Conceal(pcm.AsSpan(0, Frame));
                decoder.DecodeFec(payload.AsSpan(0, length), pcm.AsSpan(0, Frame));
            }
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static float[] Harmonic(double f0, int length)
    {
        var signal = new float[length];
        for (int n = 0; n < length; n++)
        {
            double phase = 2 * Math.PI * f0 * n / Rate;
            signal[n] = (float)(0.3 * Math.Sin(phase) + 0.15 * Math.Sin(2 * phase + 1) + 0.08 * Math.Sin(3 * phase + 2));
        }

        return signal;
    }
}
