using System.Net;
using Beryl.Media.Ice;

namespace Beryl.Media.Tests.Ice;

[TestFixture]
public sealed class IceCandidateTests
{
    [Test]
    public void ChromeHostLineWithExtensionsRoundTrips()
    {
        const string line = "candidate:842163049 1 udp 1677729535 203.0.113.9 46154 typ srflx raddr 192.168.1.20 rport 46154 generation 0 ufrag EsAw network-id 1 network-cost 10";
        Assert.That(IceCandidate.TryParse("a=" + line, out IceCandidate candidate), Is.True);
        Assert.That(candidate.Foundation, Is.EqualTo("842163049"));
        Assert.That(candidate.Component, Is.EqualTo(1));
        Assert.That(candidate.IsUdp, Is.True);
        Assert.That(candidate.Priority, Is.EqualTo(1677729535u));
        Assert.That(candidate.EndPoint, Is.EqualTo(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 46154)));
        Assert.That(candidate.Type, Is.EqualTo(IceCandidateType.ServerReflexive));
        Assert.That((candidate.RelatedAddress, candidate.RelatedPort), Is.EqualTo(("192.168.1.20", (int?)46154)));
        Assert.That(candidate.Generation, Is.EqualTo(0));
        Assert.That(candidate.Ufrag, Is.EqualTo("EsAw"));
        Assert.That(candidate.Extension("network-cost"), Is.EqualTo("10"));
        Assert.That(candidate.ToString(), Is.EqualTo(line));
    }

    [Test]
    public void FirefoxUppercaseTransportAndIPv6AreKept()
    {
        const string line = "candidate:1 1 UDP 2122187007 2001:db8::5 51000 typ host";
        Assert.That(IceCandidate.TryParse(line, out IceCandidate candidate), Is.True);
        Assert.That(candidate.Transport, Is.EqualTo("UDP"));
        Assert.That(candidate.IsUdp, Is.True);
        Assert.That(candidate.EndPoint!.Address, Is.EqualTo(IPAddress.Parse("2001:db8::5")));
        Assert.That(candidate.ToString(), Is.EqualTo(line));
    }

    [Test]
    public void AiortcHexFoundationAndRelayTypeParse()
    {
        const string line = "candidate:2b3a5e0d5d5c7ec2e4f1a0c0bd6e6c49 1 udp 16777215 198.51.100.3 3478 typ relay raddr 0.0.0.0 rport 0";
        Assert.That(IceCandidate.TryParse(line, out IceCandidate candidate), Is.True);
        Assert.That(candidate.Type, Is.EqualTo(IceCandidateType.Relay));
        Assert.That(candidate.RelatedPort, Is.Zero);
        Assert.That(candidate.ToString(), Is.EqualTo(line));
    }

    [Test]
    public void MdnsHostIsParsedButHasNoEndPoint()
    {
        Assert.That(IceCandidate.TryParse("candidate:3 1 udp 2113937151 0a1b2c3d-aaaa-bbbb-cccc-0123456789ab.local 54400 typ host generation 0", out IceCandidate candidate), Is.True);
        Assert.That(candidate.IsMdns, Is.True);
        Assert.That(candidate.EndPoint, Is.Null);
    }

    [Test]
    public void TcpCandidatesParseButAreNotUdp()
    {
        Assert.That(IceCandidate.TryParse("candidate:4 1 tcp 1518280447 192.0.2.4 9 typ host tcptype active generation 0", out IceCandidate candidate), Is.True);
        Assert.That(candidate.IsUdp, Is.False);
        Assert.That(candidate.Extension("tcptype"), Is.EqualTo("active"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("candidate:")]
    [TestCase("candidate:1 1 udp 100 192.0.2.1 5000")]
    [TestCase("candidate:1 1 udp 100 192.0.2.1 5000 type host")]
    [TestCase("candidate:1 1 udp 100 192.0.2.1 5000 typ tunnel")]
    [TestCase("candidate:1 0 udp 100 192.0.2.1 5000 typ host")]
    [TestCase("candidate:1 1 udp -5 192.0.2.1 5000 typ host")]
    [TestCase("candidate:1 1 udp 4294967296 192.0.2.1 5000 typ host")]
    [TestCase("candidate:1 1 udp 100 192.0.2.1 65536 typ host")]
    [TestCase("candidate:1 1 udp 100 192.0.2.1 5000 typ host generation")]
    [TestCase("candidate:1 1 udp 100 192.0.2.1 5000 typ srflx raddr 10.0.0.1 rport x")]
    [TestCase("candidate:f*o 1 udp 100 192.0.2.1 5000 typ host")]
    [TestCase("candidate:123456789012345678901234567890123 1 udp 100 192.0.2.1 5000 typ host")]
    [TestCase("m=audio 9 UDP/TLS/RTP/SAVPF 111")]
    public void MalformedLinesAreRejected(string? line) =>
        Assert.That(IceCandidate.TryParse(line, out _), Is.False);

    [Test]
    public void RandomlyMutatedLinesNeverThrowAndAcceptedOnesRoundTrip()
    {
        string[] seeds =
        [
            "candidate:842163049 1 udp 1677729535 203.0.113.9 46154 typ srflx raddr 192.168.1.20 rport 46154 generation 0 ufrag EsAw network-id 1 network-cost 10",
            "candidate:1 1 UDP 2122187007 2001:db8::5 51000 typ host",
            "candidate:3 1 udp 2113937151 abc.local 54400 typ host generation 0",
        ];
        var random = new Random(8839);
        const string alphabet = " :0123456789abcdef.-typhostsrflx\t";
        for (int i = 0; i < 5000; i++)
        {
            char[] text = seeds[random.Next(seeds.Length)].ToCharArray();
            int edits = 1 + random.Next(3);
            for (int e = 0; e < edits && text.Length > 0; e++)
                text[random.Next(text.Length)] = alphabet[random.Next(alphabet.Length)];
            string mutated = new string(text)[..random.Next(text.Length / 2, text.Length + 1)];
            if (!IceCandidate.TryParse(mutated, out IceCandidate candidate))
                continue;
            Assert.That(IceCandidate.TryParse(candidate.ToString(), out IceCandidate again), Is.True, mutated);
            Assert.That(again.ToString(), Is.EqualTo(candidate.ToString()), mutated);
        }
    }
}
