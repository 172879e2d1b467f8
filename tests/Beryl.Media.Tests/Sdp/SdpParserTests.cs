using System.Text;
using Beryl.Media.Sdp;

namespace Beryl.Media.Tests.Sdp;

[TestFixture]
public sealed class SdpParserTests
{
    [TestCaseSource(typeof(SdpSamples), nameof(SdpSamples.Everything))]
    public void SamplesSerialiseBackByteForByte(string name)
    {
        string text = SdpSamples.Text(name);
        var sdp = SdpSamples.Parse(name);
        Assert.That(sdp.ToString(), Is.EqualTo(text));
        Assert.That(SdpSamples.ParseText(sdp.ToString()).ToString(), Is.EqualTo(text));
    }

    [TestCaseSource(typeof(SdpSamples), nameof(SdpSamples.Everything))]
    public void LineFeedOnlyParsesTheSame(string name)
    {
        string text = SdpSamples.Text(name);
        Assert.That(SdpSamples.ParseText(text.Replace("\r\n", "\n")).ToString(), Is.EqualTo(text));
    }

    [Test]
    public void ChromeOfferExposesItsTypedAttributes()
    {
        var sdp = SdpSamples.Parse(SdpSamples.Chrome);
        Assert.That(sdp.Origin.SessionId, Is.EqualTo("4611731400430051336"));
        Assert.That(sdp.GetGroup("BUNDLE"), Is.EqualTo(new[] { "0", "1", "2" }));
        Assert.That(sdp.GetGroup("LS"), Is.Null);
        Assert.That(sdp.GetAttribute("msid-semantic"), Is.EqualTo(" WMS 5f1e3c2a-7b4d-4e8f-9a6b-0c1d2e3f4a5b"));
        Assert.That(sdp.MediaDescriptions.Select(m => (m.Media, m.Mid, m.Protocol)), Is.EqualTo(new[]
        {
            ("audio", "0", "UDP/TLS/RTP/SAVPF"), ("video", "1", "UDP/TLS/RTP/SAVPF"), ("application", "2", "UDP/DTLS/SCTP"),
        }));

        var audio = sdp.MediaDescriptions[0];
        Assert.Multiple(() =>
        {
            Assert.That(audio.Port, Is.EqualTo(50712));
            Assert.That(audio.Connection, Is.EqualTo(new SdpConnection("IN", "IP4", "203.0.113.45")));
            Assert.That(audio.Formats, Is.EqualTo(new[] { "111", "63", "9", "0", "8", "13", "110", "126" }));
            Assert.That(audio.GetRtpMap(111), Is.EqualTo(new SdpRtpMap(111, "opus", 48000, 2)));
            Assert.That(audio.GetRtpMap(126), Is.EqualTo(new SdpRtpMap(126, "telephone-event", 8000)));
            Assert.That(audio.GetFormatParameters("111"), Is.EqualTo("minptime=10;useinbandfec=1"));
            Assert.That(audio.GetFormatParameters("0"), Is.Null);
            Assert.That(audio.Direction, Is.EqualTo(SdpDirection.SendRecv));
            Assert.That(audio.IceUfrag, Is.EqualTo("Lp3X"));
            Assert.That(audio.IcePwd, Is.EqualTo("r1nN9kq7oTz2bX4VqgW8cE5y"));
            Assert.That(audio.IceOptions, Is.EqualTo(new[] { "trickle" }));
            Assert.That(audio.Fingerprint, Does.StartWith("sha-256 7C:3B:"));
            Assert.That(audio.Setup, Is.EqualTo(SdpSetupRole.ActPass));
            Assert.That(audio.RtcpMux && audio.RtcpReducedSize, Is.True);
            Assert.That(audio.Msid, Does.EndWith(" 0b6a1d8e-2c3f-4a5b-9e7d-1f2a3b4c5d6e"));
            Assert.That(audio.Ssrcs.Select(s => (s.Ssrc, s.Attribute)), Is.EqualTo(new[] { (2847395721u, "cname"), (2847395721u, "msid") }));
            Assert.That(audio.Ssrcs[0].Value, Is.EqualTo("Qz7Hk2pLw9XvR4tN"));
            Assert.That(audio.Candidates, Has.Count.EqualTo(4));
            Assert.That(audio.Candidates[0], Is.EqualTo("candidate:3458293762 1 udp 2122260223 192.0.2.10 50712 typ host generation 0 network-id 1 network-cost 10"));
            Assert.That(audio.EndOfCandidates, Is.False);
            Assert.That(audio.Extmaps[0], Is.EqualTo(new SdpExtmap(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level")));
        });

        var video = sdp.MediaDescriptions[1];
        Assert.That(video.Formats, Has.Count.EqualTo(25));
        Assert.That(video.GetRtpMap(45)!.EncodingName, Is.EqualTo("AV1"));
        Assert.That(video.GetAttribute("ssrc-group"), Is.EqualTo("FID 1734512893 3982046571"));
        Assert.That(sdp.MediaDescriptions[2].GetAttribute("sctp-port"), Is.EqualTo("5000"));
    }

    [Test]
    public void FirefoxOfferKeepsTheFingerprintAtSessionLevel()
    {
        var sdp = SdpSamples.Parse(SdpSamples.Firefox);
        var audio = sdp.MediaDescriptions[0];
        Assert.That(sdp.Origin.Username, Is.EqualTo("mozilla...THIS_IS_SDPARTA-128.0"));
        Assert.That(sdp.Fingerprint, Does.StartWith("sha-256 4E:91:"));
        Assert.That(audio.Fingerprint, Is.Null);
        Assert.That(sdp.IceOptions, Is.EqualTo(new[] { "trickle" }));
        Assert.That(audio.GetRtpMap(9), Is.EqualTo(new SdpRtpMap(9, "G722", 8000)));
        Assert.That(audio.Extmaps[1], Is.EqualTo(new SdpExtmap(2, "urn:ietf:params:rtp-hdrext:csrc-audio-level", "recvonly")));
        Assert.That(audio.EndOfCandidates, Is.True);
        Assert.That(audio.Candidates[1], Does.Contain("tcptype active"));
        Assert.That(audio.Ssrcs.Single().Value, Is.EqualTo("{b3e7f0a2-9c1d-4e6b-8a5f-c2d9e1b0a7f3}"));
    }

    [Test]
    public void AiortcOfferHasItsCandidatesAndNoVideo()
    {
        var sdp = SdpSamples.Parse(SdpSamples.Aiortc);
        var audio = sdp.MediaDescriptions.Single();
        Assert.That(audio.Formats, Is.EqualTo(new[] { "96", "0", "8" }));
        Assert.That(audio.Candidates, Has.Count.EqualTo(2));
        Assert.That(audio.EndOfCandidates, Is.True);
        Assert.That(audio.GetAttribute("rtcp"), Is.EqualTo("9 IN IP4 0.0.0.0"));
    }

    [Test]
    public void StaticPayloadTypesResolveWithoutAnRtpmap()
    {
        var sdp = SdpSamples.ParseText("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0 8 96\r\n");
        var audio = sdp.MediaDescriptions[0];
        Assert.That(audio.GetRtpMap(0), Is.EqualTo(new SdpRtpMap(0, "PCMU", 8000)));
        Assert.That(audio.GetRtpMap(8), Is.EqualTo(new SdpRtpMap(8, "PCMA", 8000)));
        Assert.That(audio.GetRtpMap(96), Is.Null);
        Assert.That(audio.Direction, Is.Null);
    }

    private const string Head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    [TestCase("", "empty")]
    [TestCase("o=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", "line 1: expected the v= line")]
    [TestCase("v=1\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", "line 1: unsupported SDP version")]
    [TestCase("v=0\r\no=- one 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", "line 2: o= needs")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n", "no t= line")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\n", "line 4: m= line before the t= line")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", "line 5: m= needs")]
    [TestCase(Head + "m=audio  9 UDP/TLS/RTP/SAVPF 0\r\n", "line 5: m= needs")]
    [TestCase(Head + "m=audio nine UDP/TLS/RTP/SAVPF 0\r\n", "line 5: m= port 'nine' is not a number")]
    [TestCase(Head + "m=audio 65536 UDP/TLS/RTP/SAVPF 0\r\n", "line 5: m= port '65536'")]
    [TestCase(Head + "m=audio -1 UDP/TLS/RTP/SAVPF 0\r\n", "line 5: m= port '-1'")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/480000000000/2\r\n", "line 6: a=rtpmap has an invalid value")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:99999999999 opus/48000/2\r\n", "line 6: a=rtpmap has an invalid value")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:128 opus/48000/2\r\n", "line 6: a=rtpmap")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2000\r\n", "line 6: a=rtpmap")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ssrc:4294967296 cname:x\r\n", "line 6: a=ssrc")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=extmap:0 urn:x\r\n", "line 6: a=extmap")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:sometimes\r\n", "line 6: a=setup")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:\r\n", "line 6: a=mid")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256\r\n", "line 6: a=fingerprint")]
    [TestCase(Head + "a=rtpmap:111 opus/48000/2\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "line 5: a=rtpmap belongs in a media section")]
    [TestCase(Head + "a=mid:0\r\n", "line 5: a=mid belongs in a media section")]
    [TestCase(Head + "\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n", "line 5: empty line")]
    [TestCase(Head + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n\r\n\r\n", "line 6: empty line")]
    [TestCase(Head + "x=unknown\r\n", "line 5: x= line not allowed")]
    [TestCase(Head + "c=IN IP4 0.0.0.0\r\n", "line 5: c= line out of order")]
    [TestCase(Head + "m=audio 9 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\n", "line 7: c= line out of order or repeated")]
    [TestCase(Head + "m=audio 9 RTP/AVP 0\r\nt=0 0\r\n", "line 6: t= line not allowed in a media section")]
    [TestCase(Head + "m=audio 9 RTP/AVP 0\r\nc=IN IP4\r\n", "line 6: c= needs")]
    [TestCase(Head + "a=bad name\r\n", "line 5: attribute name 'bad name' is not a token")]
    [TestCase(Head + "a\r\n", "line 5: expected '<letter>=<value>'")]
    [TestCase(Head + "A=b\r\n", "line 5: expected '<letter>=<value>'")]
    [TestCase(Head + "a=x\0y\r\n", "line 5: control character 0x00")]
    [TestCase("v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nt=0 0 0\n", "line 4: t= needs")]
    public void MalformedDescriptionsAreRejectedWithTheLineAndTheProblem(string text, string expectedError)
    {
        Assert.That(SdpSessionDescription.TryParse(text, out var sdp, out string? error), Is.False);
        Assert.That(sdp, Is.Null);
        Assert.That(error, Does.Contain(expectedError));
    }

    [Test]
    public void BinaryJunkIsRejected()
    {
        var random = new Random(8866);
        var junk = new byte[4096];
        random.NextBytes(junk);
        Assert.That(SdpSessionDescription.TryParse(Encoding.Latin1.GetString(junk), out _, out string? error), Is.False);
        Assert.That(error, Does.StartWith("line 1: "));
        Assert.That(SdpSessionDescription.TryParse(null, out _, out _), Is.False);
    }

    [Test]
    public void OversizedDescriptionsAreRejectedBeforeParsing()
    {
        string megabyte = Head + string.Concat(Enumerable.Repeat("a=x-filler:" + new string('z', 89) + "\r\n", 10_500));
        Assert.That(megabyte.Length, Is.GreaterThan(1_000_000));
        Assert.That(SdpSessionDescription.TryParse(megabyte, out _, out string? error), Is.False);
        Assert.That(error, Does.Contain("more than 65536"));

        string manyLines = Head + string.Concat(Enumerable.Repeat("a=x\n", 10_000));
        Assert.That(manyLines.Length, Is.LessThan(SdpSessionDescription.MaxLength));
        Assert.That(SdpSessionDescription.TryParse(manyLines, out _, out error), Is.False);
        Assert.That(error, Does.Contain("more than 10000"));

        string manyMedia = Head + string.Concat(Enumerable.Repeat("m=audio 0 RTP/AVP 0\r\n", 65));
        Assert.That(SdpSessionDescription.TryParse(manyMedia, out _, out error), Is.False);
        Assert.That(error, Does.StartWith("line 69: more than 64 m= lines"));
        Assert.That(SdpSessionDescription.TryParse(Head + string.Concat(Enumerable.Repeat("m=audio 0 RTP/AVP 0\r\n", 64)), out _, out _), Is.True);
    }

    [Test]
    public void SeededMutationsOfTheSamplesNeverThrow()
    {
        var random = new Random(8829);
        var samples = SdpSamples.Everything.Select(SdpSamples.Text).ToArray();
        var local = SdpOfferAnswerTests.Local();
        int accepted = 0, answered = 0;
        for (int i = 0; i < 5000; i++)
        {
            string mutated = Mutate(random, samples[i % samples.Length]);
            if (!SdpSessionDescription.TryParse(mutated, out var sdp, out string? error))
            {
                if (string.IsNullOrEmpty(error))
                    Assert.Fail($"case {i}: rejected without an error");
                continue;
            }

            accepted++;
            string text = sdp!.ToString();
            if (!SdpSessionDescription.TryParse(text, out var again, out error) || again!.ToString() != text)
                Assert.Fail($"case {i}: the serialised form does not parse back to itself ({error})\n{text}");
            foreach (var media in sdp.MediaDescriptions)
                _ = (media.RtpMaps, media.Ssrcs, media.Extmaps, media.Candidates, media.Direction, media.Setup, media.IceOptions);
            if (SdpOfferAnswer.TryCreateAnswer(sdp, local, out var answer, out _, out _))
            {
                answered++;
                if (!SdpSessionDescription.TryParse(answer!.ToString(), out _, out error))
                    Assert.Fail($"case {i}: our answer does not parse ({error})");
            }
        }

        Assert.That(accepted, Is.InRange(500, 4900));
        Assert.That(answered, Is.GreaterThan(100));
    }

    private static string Mutate(Random random, string sample)
    {
        var lines = sample.Split("\r\n").ToList();
        lines.RemoveAt(lines.Count - 1);
        for (int op = random.Next(1, 4); op > 0 && lines.Count > 0; op--)
        {
            int at = random.Next(lines.Count);
            string line = lines[at];
            switch (random.Next(9))
            {
                case 0:
                    lines.RemoveAt(at);
                    break;
                case 1:
                    lines.Insert(at, line);
                    break;
                case 2:
                    (lines[at], lines[random.Next(lines.Count)]) = (lines[random.Next(lines.Count)], line);
                    break;
                case 3 when line.Length > 0:
                    int c = random.Next(line.Length);
                    lines[at] = line[..c] + (char)random.Next(0, 0x250) + line[(c + 1)..];
                    break;
                case 4:
                    lines[at] = line[..random.Next(line.Length + 1)];
                    break;
                case 5:
                    // Numbers are where parsers overflow: make one huge, negative or empty.
                    string[] replacements = ["99999999999999999999", "-1", "", "4294967296", "65536", "2147483648"];
                    int digit = line.IndexOfAny("0123456789".ToCharArray());
                    if (digit >= 0)
                    {
                        int end = digit;
                        while (end < line.Length && char.IsAsciiDigit(line[end]))
                            end++;
                        lines[at] = line[..digit] + replacements[random.Next(replacements.Length)] + line[end..];
                    }

                    break;
                case 6:
                    lines.Insert(at, "a=" + new string((char)random.Next(33, 127), random.Next(0, 5)) + ":" + random.Next());
                    break;
                case 7:
                    lines[at] = line.Replace(' ', random.Next(2) == 0 ? '\t' : ':');
                    break;
                default:
                    lines.Insert(at, random.Next(4) switch { 0 => "m=audio 9 UDP/TLS/RTP/SAVPF 0", 1 => "m=video 0 RTP/AVP 96", 2 => "a=rtcp-mux", _ => "b=AS:30" });
                    break;
            }
        }

        string separator = random.Next(4) == 0 ? "\n" : "\r\n";
        return string.Join(separator, lines) + (random.Next(8) == 0 ? "" : separator);
    }
}
