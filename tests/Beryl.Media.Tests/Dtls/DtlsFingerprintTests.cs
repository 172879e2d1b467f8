using System.Text;
using Beryl.Media.Dtls;

namespace Beryl.Media.Tests.Dtls;

[TestFixture]
public sealed class DtlsFingerprintTests
{
    [Test]
    public void TryParse_ReadsTheRfc4572Example_AndFormatsItInSdpForm()
    {
        // RFC 4572 section 5 (and RFC 8122 section 5): "a=fingerprint:SHA-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB"
        Assert.That(DtlsFingerprint.TryParse("SHA-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB", out var fingerprint), Is.True);
        Assert.That(fingerprint!.Algorithm, Is.EqualTo(DtlsFingerprintAlgorithm.Sha1));
        Assert.That(fingerprint.Digest.ToArray(), Is.EqualTo(Convert.FromHexString("4AADB9B13F82183B540212DF3E5D496B19E57CAB")));
        Assert.That(fingerprint.ToString(), Is.EqualTo("sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB"));
    }

    [TestCase(DtlsFingerprintAlgorithm.Sha1, "A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D")]
    [TestCase(DtlsFingerprintAlgorithm.Sha256, "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")]
    [TestCase(DtlsFingerprintAlgorithm.Sha384, "CB:00:75:3F:45:A3:5E:8B:B5:A0:3D:69:9A:C6:50:07:27:2C:32:AB:0E:DE:D1:63:1A:8B:60:5A:43:FF:5B:ED:80:86:07:2B:A1:E7:CC:23:58:BA:EC:A1:34:C8:25:A7")]
    [TestCase(DtlsFingerprintAlgorithm.Sha512, "DD:AF:35:A1:93:61:7A:BA:CC:41:73:49:AE:20:41:31:12:E6:FA:4E:89:A9:7E:A2:0A:9E:EE:E6:4B:55:D3:9A:21:92:99:2A:27:4F:C1:A8:36:BA:3C:23:A3:FE:EB:BD:45:4D:44:23:64:3C:E8:0E:2A:9A:C9:4F:A5:4C:A4:9F")]
    public void Compute_MatchesTheFips180AbcVectors(DtlsFingerprintAlgorithm algorithm, string expectedHex)
    {
        // FIPS 180-2 appendix examples: the digests of "abc".
        var abc = Encoding.ASCII.GetBytes("abc");
        var fingerprint = DtlsFingerprint.Compute(algorithm, abc);
        Assert.That(fingerprint.ToString(), Is.EqualTo(DtlsFingerprint.AlgorithmName(algorithm) + " " + expectedHex));
        Assert.That(fingerprint.Matches(abc), Is.True);
        Assert.That(fingerprint.Matches(Encoding.ASCII.GetBytes("abd")), Is.False);
    }

    [TestCase(DtlsFingerprintAlgorithm.Sha1)]
    [TestCase(DtlsFingerprintAlgorithm.Sha256)]
    [TestCase(DtlsFingerprintAlgorithm.Sha384)]
    [TestCase(DtlsFingerprintAlgorithm.Sha512)]
    public void FormatThenParse_RoundTrips_InEitherCase(DtlsFingerprintAlgorithm algorithm)
    {
        var der = TestIdentities.Client.ExportCertificate();
        var fingerprint = DtlsFingerprint.Compute(algorithm, der);
        string text = fingerprint.ToString();
        Assert.That(text, Does.Match("^sha-[0-9]+ ([0-9A-F]{2}:)+[0-9A-F]{2}$"));

        Assert.That(DtlsFingerprint.TryParse(text, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(fingerprint));
        Assert.That(parsed!.GetHashCode(), Is.EqualTo(fingerprint.GetHashCode()));
        Assert.That(DtlsFingerprint.TryParse("  " + text.ToUpperInvariant().Replace(" ", " \t ") + " ", out var shouted), Is.True);
        Assert.That(shouted, Is.EqualTo(fingerprint));
        Assert.That(DtlsFingerprint.TryParse(text.ToLowerInvariant(), out var whispered), Is.True);
        Assert.That(whispered, Is.EqualTo(fingerprint));
        Assert.That(parsed.Matches(der), Is.True);
        Assert.That(parsed.Matches(TestIdentities.Server.ExportCertificate()), Is.False);
    }

    private const string Valid = "sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD";

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("sha-256")]
    [TestCase("sha-256 ")]
    [TestCase("BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")]
    [TestCase("md5 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23")]
    [TestCase("sha256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")]
    [TestCase("sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15")]
    [TestCase("sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD:00")]
    [TestCase("sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD:")]
    [TestCase("sha-256 BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [TestCase("sha-256 BA-78-16-BF-8F-01-CF-EA-41-41-40-DE-5D-AE-22-23-B0-03-61-A3-96-17-7A-9C-B4-10-FF-61-F2-00-15-AD")]
    [TestCase("sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AG")]
    [TestCase("sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:A")]
    [TestCase("sha-256 B:A78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")]
    [TestCase("sha-256 +A:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")]
    [TestCase("sha-1 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD")]
    [TestCase("sha-256 BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD extra")]
    public void TryParse_RejectsMalformedValues(string? value)
    {
        Assert.That(DtlsFingerprint.TryParse(value, out var fingerprint), Is.False);
        Assert.That(fingerprint, Is.Null);
    }

    [Test]
    public void TryParse_RejectsHugeInputWithoutWork() =>
        Assert.That(DtlsFingerprint.TryParse("sha-256 " + new string('A', 100_000), out _), Is.False);

    [Test]
    public void TryParse_SurvivesSeededMutations_AndWhatItAcceptsReformatsCanonically()
    {
        var random = new Random(8122);
        var seeds = new[] { Valid, Valid.ToLowerInvariant(), DtlsFingerprint.Compute(DtlsFingerprintAlgorithm.Sha512, [1, 2, 3]).ToString() };
        const string alphabet = "0123456789abcdefABCDEFG:- \t\u00e9shaSHA";
        int accepted = 0;
        for (int i = 0; i < 5000; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Length)]);
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                int at = random.Next(text.Length + 1);
                switch (random.Next(4))
                {
                    case 0 when at < text.Length: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1 when at < text.Length: text.Remove(at, 1); break;
                    case 2: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text.Length = Math.Min(at, text.Length); break;
                }
            }
            string mutated = text.ToString();
            if (!DtlsFingerprint.TryParse(mutated, out var parsed))
                continue;
            accepted++;
            string canonical = parsed.ToString();
            Assert.That(canonical, Is.EqualTo(Canonical(mutated)), mutated);
            Assert.That(DtlsFingerprint.TryParse(canonical, out var reparsed), Is.True, canonical);
            Assert.That(reparsed, Is.EqualTo(parsed));
        }
        Assert.That(accepted, Is.GreaterThan(0), "no mutation kept a valid fingerprint; the test exercises nothing");
    }

    // What the SDP form of an accepted value must be: trimmed, lower-case name, one space, upper-case hex.
    private static string Canonical(string accepted)
    {
        string text = accepted.Trim();
        int space = text.IndexOfAny([' ', '\t']);
        return text[..space].ToLowerInvariant() + " " + text[space..].TrimStart(' ', '\t').ToUpperInvariant();
    }

    [Test]
    public void Constructor_RejectsADigestOfTheWrongLength() =>
        Assert.Throws<ArgumentException>(() => new DtlsFingerprint(DtlsFingerprintAlgorithm.Sha256, new byte[20]));
}
