using Beryl.Media.Codecs;

namespace Beryl.Media.Tests.Codecs;

[TestFixture]
public sealed class G711Tests
{
    [TestCase((byte)0xFF, 0)]
    [TestCase((byte)0x7F, 0)]
    [TestCase((byte)0x80, 32124)]
    [TestCase((byte)0x00, -32124)]
    [TestCase((byte)0xFE, 8)]
    [TestCase((byte)0xF0, 120)]
    [TestCase((byte)0xEF, 132)]
    public void MuLawDecodesKnownCodes(byte code, int expected) => Assert.That(G711.DecodeMuLaw(code), Is.EqualTo(expected));

    [TestCase((byte)0xD5, 8)]
    [TestCase((byte)0x55, -8)]
    [TestCase((byte)0xAA, 32256)]
    [TestCase((byte)0x2A, -32256)]
    [TestCase((byte)0xD4, 24)]
    public void ALawDecodesKnownCodes(byte code, int expected) => Assert.That(G711.DecodeALaw(code), Is.EqualTo(expected));

    [TestCase((short)0, (byte)0xFF)]
    [TestCase((short)-1, (byte)0x7F)] // G.191 encodes the one's complement of negatives: -1 lands on the negative zero
    [TestCase(short.MaxValue, (byte)0x80)]
    [TestCase(short.MinValue, (byte)0x00)]
    public void MuLawEncodesKnownSamples(short sample, byte expected) => Assert.That(G711.EncodeMuLaw(sample), Is.EqualTo(expected));

    [TestCase((short)0, (byte)0xD5)]
    [TestCase((short)-1, (byte)0x55)]
    [TestCase(short.MaxValue, (byte)0xAA)]
    [TestCase(short.MinValue, (byte)0x2A)]
    public void ALawEncodesKnownSamples(short sample, byte expected) => Assert.That(G711.EncodeALaw(sample), Is.EqualTo(expected));

    // SHA-256 of CPython 3.11 audioop output on this machine (an independent Sun-derived G.711): the 256 decoded values
    // as little-endian shorts, and the codes of the non-negative inputs 0..32767. Negative inputs are left out on
    // purpose: audioop negates them where G.191 takes the one's complement, so -1 encodes differently.
    [TestCase(true, "3dab54339e520bb2c924826e3b72a917a2b612e9fd12fc867500f1d983a75827", "912062bf9c931c7ebc1dc1fd1d74faf0cfefcd47e8408a3ed4d07aa59f0f1c20")]
    [TestCase(false, "e04788d110e58ff8c70c93b8480190d973e3b67876b6119abbaec766cc75c174", "b209cb65664652ae64853b1f5ee015be44dba85f3883affd6dae34dc76f3eba0")]
    public void AgreesWithAnIndependentImplementation(bool muLaw, string decodeSha256, string encodeSha256)
    {
        var codes = Enumerable.Range(0, 256).Select(c => (byte)c).ToArray();
        var decoded = new short[256];
        var samples = Enumerable.Range(0, 32768).Select(s => (short)s).ToArray();
        var encoded = new byte[samples.Length];
        if (muLaw)
        {
            G711.DecodeMuLaw(codes, decoded);
            G711.EncodeMuLaw(samples, encoded);
        }
        else
        {
            G711.DecodeALaw(codes, decoded);
            G711.EncodeALaw(samples, encoded);
        }

        var decodedBytes = new byte[512];
        for (int i = 0; i < 256; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(decodedBytes.AsSpan(2 * i), decoded[i]);
        Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(decodedBytes)), Is.EqualTo(decodeSha256));
        Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(encoded)), Is.EqualTo(encodeSha256));
    }

    [Test]
    public void EveryMuLawCodeSurvivesDecodeThenEncode()
    {
        for (int code = 0; code < 256; code++)
        {
            byte again = G711.EncodeMuLaw(G711.DecodeMuLaw((byte)code));
            // The negative zero 0x7F decodes to 0, which encodes as the positive zero.
            Assert.That(again, Is.EqualTo(code == 0x7F ? 0xFF : code), $"code 0x{code:X2}");
        }
    }

    [Test]
    public void EveryALawCodeSurvivesDecodeThenEncode()
    {
        for (int code = 0; code < 256; code++)
            Assert.That(G711.EncodeALaw(G711.DecodeALaw((byte)code)), Is.EqualTo(code), $"code 0x{code:X2}");
    }

    [Test]
    public void DecodedValueNeverFallsAsTheInputRises()
    {
        int previousMu = int.MinValue, previousA = int.MinValue;
        for (int sample = short.MinValue; sample <= short.MaxValue; sample++)
        {
            int mu = G711.DecodeMuLaw(G711.EncodeMuLaw((short)sample));
            int a = G711.DecodeALaw(G711.EncodeALaw((short)sample));
            if (mu < previousMu || a < previousA)
                Assert.Fail($"not monotonic at {sample}: µ-law {previousMu} -> {mu}, A-law {previousA} -> {a}");
            previousMu = mu;
            previousA = a;
        }

        Assert.That((previousMu, previousA), Is.EqualTo((32124, 32256)));
    }

    [Test]
    public void QuantisationErrorStaysInsideTheSegmentStep()
    {
        // Each code covers an interval; the decoded value is its middle, so the error is at most half a step
        // (steps reach 1024 on the µ-law and A-law top segments), plus the G.191 one's-complement offset.
        for (int sample = short.MinValue; sample <= short.MaxValue; sample++)
        {
            int muError = Math.Abs(G711.DecodeMuLaw(G711.EncodeMuLaw((short)sample)) - sample);
            int aError = Math.Abs(G711.DecodeALaw(G711.EncodeALaw((short)sample)) - sample);
            int bound = Math.Max(16, Math.Abs(sample) / 16 + 8);
            if (muError > bound + 1024 / 2 || aError > bound + 1024 / 2 || (Math.Abs(sample) < 4000 && Math.Max(muError, aError) > bound))
                Assert.Fail($"sample {sample}: µ-law error {muError}, A-law error {aError}");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void SineSnrIsAboutThirtyEightDecibels(bool muLaw)
    {
        const int n = 8000;
        var input = new short[n];
        for (int i = 0; i < n; i++)
            input[i] = (short)Math.Round(16000 * Math.Sin(2 * Math.PI * 1004 * i / 8000.0));
        var codes = new byte[n];
        var output = new short[n];
        if (muLaw)
        {
            G711.EncodeMuLaw(input, codes);
            G711.DecodeMuLaw(codes, output);
        }
        else
        {
            G711.EncodeALaw(input, codes);
            G711.DecodeALaw(codes, output);
        }

        double signal = 0, noise = 0;
        for (int i = 0; i < n; i++)
        {
            signal += (double)input[i] * input[i];
            noise += (double)(output[i] - input[i]) * (output[i] - input[i]);
        }

        double snr = 10 * Math.Log10(signal / noise);
        Assert.That(snr, Is.InRange(35.0, 40.0));
    }

    [Test]
    public void FloatPathMatchesTheShortPath()
    {
        float[] input = [0f, 0.5f, -0.5f, 1f, -1f, 2f, -2f, 1e-5f];
        var floatCodes = new byte[input.Length];
        var shortCodes = new byte[input.Length];
        G711.EncodeMuLaw(input, floatCodes);
        G711.EncodeMuLaw(input.Select(f => (short)Math.Clamp(MathF.Round(f * 32768f), short.MinValue, short.MaxValue)).ToArray(), shortCodes);
        Assert.That(floatCodes, Is.EqualTo(shortCodes));

        var decoded = new float[input.Length];
        G711.DecodeALaw(floatCodes, decoded);
        for (int i = 0; i < input.Length; i++)
            Assert.That(decoded[i], Is.EqualTo(G711.DecodeALaw(floatCodes[i]) / 32768f));
    }

    [Test]
    public void ShortDestinationIsRejected()
    {
        Assert.Throws<ArgumentException>(() => G711.EncodeALaw(new short[4], new byte[3]));
        Assert.Throws<ArgumentException>(() => G711.DecodeMuLaw(new byte[4], new short[3]));
    }
}
