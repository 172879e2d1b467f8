using Beryl.Media.Sdp;

namespace Beryl.Media.Tests.Sdp;

[TestFixture]
public sealed class SdpOfferAnswerTests
{
    internal static LocalAudioParameters Local(params SdpCodec[] codecs) => new()
    {
        IceUfrag = "bRyL",
        IcePwd = "Zx8fK2mQ9vT4wN7pL3sR6yHc",
        Fingerprint = "sha-256 01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF",
        Ssrc = 0x0BE7_1A55,
        Cname = "beryl-cname",
        Codecs = codecs.Length > 0 ? codecs : LocalAudioParameters.DefaultCodecs,
    };

    private static (SdpSessionDescription Answer, NegotiatedAudio Audio) Answer(SdpSessionDescription offer, LocalAudioParameters? local = null)
    {
        bool ok = SdpOfferAnswer.TryCreateAnswer(offer, local ?? Local(), out var answer, out var audio, out string? error);
        Assert.That(ok, Is.True, error);
        // What goes on the wire must parse back to the same description.
        var reparsed = SdpSamples.ParseText(answer!.ToString());
        Assert.That(reparsed.ToString(), Is.EqualTo(answer.ToString()));
        return (reparsed, audio!);
    }

    private static string Error(SdpSessionDescription offer, LocalAudioParameters? local = null)
    {
        Assert.That(SdpOfferAnswer.TryCreateAnswer(offer, local ?? Local(), out var answer, out var audio, out string? error), Is.False);
        Assert.That((answer, audio), Is.EqualTo(((SdpSessionDescription?)null, (NegotiatedAudio?)null)));
        return error!;
    }

    [Test]
    public void OfferHasWhatBrowsersExpect()
    {
        var offer = SdpSamples.ParseText(SdpOfferAnswer.CreateOffer(Local()).ToString());
        Assert.That(offer.GetGroup("BUNDLE"), Is.EqualTo(new[] { "0" }));
        Assert.That(offer.GetAttribute("msid-semantic"), Is.EqualTo(" WMS beryl"));
        var audio = offer.MediaDescriptions.Single();
        Assert.Multiple(() =>
        {
            Assert.That((audio.Media, audio.Port, audio.Protocol), Is.EqualTo(("audio", 9, "UDP/TLS/RTP/SAVPF")));
            Assert.That(audio.Connection, Is.EqualTo(SdpConnection.Unspecified));
            Assert.That(audio.Formats, Is.EqualTo(new[] { "111", "0", "8", "101", "126" }));
            Assert.That(audio.GetRtpMap(111), Is.EqualTo(new SdpRtpMap(111, "opus", 48000, 2)));
            Assert.That(audio.GetFormatParameters("111"), Is.EqualTo("minptime=10;useinbandfec=1"));
            Assert.That(audio.GetRtpMap(101), Is.EqualTo(new SdpRtpMap(101, "telephone-event", 48000)));
            Assert.That(audio.Mid, Is.EqualTo("0"));
            Assert.That(audio.Setup, Is.EqualTo(SdpSetupRole.ActPass));
            Assert.That(audio.IceUfrag, Is.EqualTo("bRyL"));
            Assert.That(audio.IceOptions, Is.EqualTo(new[] { "trickle" }));
            Assert.That(audio.Fingerprint, Does.StartWith("sha-256 01:23"));
            Assert.That(audio.RtcpMux && audio.RtcpReducedSize, Is.True);
            Assert.That(audio.Direction, Is.EqualTo(SdpDirection.SendRecv));
            Assert.That(audio.Msid, Is.EqualTo("beryl beryl-audio"));
            Assert.That(audio.Ssrcs.Single(), Is.EqualTo(new SdpSsrc(0x0BE71A55, "cname", "beryl-cname")));
            Assert.That(audio.Extmaps.Single().Uri, Is.EqualTo("urn:ietf:params:rtp-hdrext:ssrc-audio-level"));
            Assert.That(audio.Candidates, Is.Empty);
            Assert.That(audio.EndOfCandidates, Is.False);
        });
    }

    [Test]
    public void OfferWithCandidatesUsesTheFirstForTheDefaultAddress()
    {
        var local = Local() with
        {
            Candidates =
            [
                "candidate:1 1 udp 2130706431 ::1 40001 typ host",
                "candidate:2 1 udp 2130706431 127.0.0.1 40002 typ host",
            ],
            EndOfCandidates = true,
            Direction = SdpDirection.RecvOnly,
        };
        var audio = SdpSamples.ParseText(SdpOfferAnswer.CreateOffer(local).ToString()).MediaDescriptions[0];
        Assert.That(audio.Port, Is.EqualTo(40001));
        Assert.That(audio.Connection, Is.EqualTo(new SdpConnection("IN", "IP6", "::1")));
        Assert.That(audio.Candidates, Is.EqualTo(local.Candidates));
        Assert.That(audio.EndOfCandidates, Is.True);
        Assert.That(audio.Direction, Is.EqualTo(SdpDirection.RecvOnly));
        Assert.That(audio.Ssrcs, Is.Empty, "nothing to announce when not sending");
        Assert.That(audio.Msid, Is.Null);
    }

    [Test]
    public void OfferRefusesIncompleteLocalParameters()
    {
        Assert.Throws<ArgumentException>(() => SdpOfferAnswer.CreateOffer(Local() with { IceUfrag = "" }));
        Assert.Throws<ArgumentException>(() => SdpOfferAnswer.CreateOffer(Local() with { IcePwd = "tooShort" }));
        Assert.Throws<ArgumentException>(() => SdpOfferAnswer.CreateOffer(Local() with { Fingerprint = "AB:CD" }));
        Assert.Throws<ArgumentException>(() => SdpOfferAnswer.CreateOffer(Local(SdpCodec.TelephoneEvent8000)));
        Assert.Throws<ArgumentException>(() => SdpOfferAnswer.CreateOffer(Local() with { Setup = SdpSetupRole.Active }));
    }

    [Test]
    public void AnswerToChromeAcceptsOpusAndRejectsVideoAndData()
    {
        var (answer, audio) = Answer(SdpSamples.Parse(SdpSamples.Chrome));
        Assert.That(answer.GetGroup("BUNDLE"), Is.EqualTo(new[] { "0" }));
        Assert.That(answer.MediaDescriptions.Select(m => (m.Media, m.Port, m.Mid)), Is.EqualTo(new[] { ("audio", 9, "0"), ("video", 0, "1"), ("application", 0, "2") }));
        foreach (var rejected in answer.MediaDescriptions.Skip(1))
            Assert.That(rejected.Attributes.Select(a => a.Name), Is.EqualTo(new[] { "mid" }));
        Assert.That(answer.MediaDescriptions[2].Protocol, Is.EqualTo("UDP/DTLS/SCTP"));
        Assert.That(answer.MediaDescriptions[2].Formats, Is.EqualTo(new[] { "webrtc-datachannel" }));

        var accepted = answer.MediaDescriptions[0];
        Assert.Multiple(() =>
        {
            // Offer order 111 63 9 0 8 13 110 126: red, G722 and CN are not ours; telephone-event at Opus's 48 kHz.
            Assert.That(accepted.Formats, Is.EqualTo(new[] { "111", "0", "8", "110" }));
            Assert.That(accepted.GetFormatParameters("111"), Is.EqualTo("minptime=10;useinbandfec=1"));
            Assert.That(accepted.Setup, Is.EqualTo(SdpSetupRole.Active));
            Assert.That(accepted.Direction, Is.EqualTo(SdpDirection.SendRecv));
            Assert.That(accepted.RtcpMux && accepted.RtcpReducedSize, Is.True);
            Assert.That(accepted.Extmaps.Single(), Is.EqualTo(new SdpExtmap(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level")));
            Assert.That(accepted.IceUfrag, Is.EqualTo("bRyL"));
        });

        Assert.Multiple(() =>
        {
            Assert.That(audio.Codec, Is.EqualTo(new SdpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1")));
            Assert.That(audio.Codecs.Select(c => c.PayloadType), Is.EqualTo(new[] { 111, 0, 8 }));
            Assert.That(audio.TelephoneEventPayloadType, Is.EqualTo(110));
            Assert.That((audio.Mid, audio.MediaIndex), Is.EqualTo(("0", 0)));
            Assert.That((audio.IceUfrag, audio.IcePwd), Is.EqualTo(("Lp3X", "r1nN9kq7oTz2bX4VqgW8cE5y")));
            Assert.That(audio.Fingerprint, Does.StartWith("sha-256 7C:3B"));
            Assert.That(audio.Setup, Is.EqualTo(SdpSetupRole.ActPass));
            Assert.That(audio.Candidates, Has.Count.EqualTo(4));
            Assert.That(audio.RemoteSsrc, Is.EqualTo(2847395721));
            Assert.That(audio.AudioLevelExtensionId, Is.EqualTo(1));
            Assert.That(audio.Direction, Is.EqualTo(SdpDirection.SendRecv));
        });
    }

    [Test]
    public void AnswerToFirefoxTakesTheSessionLevelFingerprint()
    {
        var (answer, audio) = Answer(SdpSamples.Parse(SdpSamples.Firefox));
        Assert.That(audio.Codec with { FormatParameters = null }, Is.EqualTo(new SdpCodec(109, "opus", 48000, 2)));
        Assert.That(audio.Codec.FormatParameters, Is.EqualTo("maxplaybackrate=48000;stereo=1;useinbandfec=1"));
        Assert.That(audio.Fingerprint, Does.StartWith("sha-256 4E:91"));
        Assert.That(audio.TelephoneEventPayloadType, Is.EqualTo(101), "no 48 kHz telephone-event offered: the 8 kHz one");
        Assert.That(audio.EndOfCandidates, Is.True);
        Assert.That(audio.RemoteSsrc, Is.EqualTo(2658449235));
        Assert.That(answer.MediaDescriptions[0].Formats, Is.EqualTo(new[] { "109", "0", "8", "101" }));
        Assert.That(answer.MediaDescriptions[0].GetFormatParameters("101"), Is.EqualTo("0-15"));
        Assert.That(answer.MediaDescriptions.Skip(1).Select(m => (m.Port, m.Mid)), Is.EqualTo(new[] { (0, "1"), (0, "2") }));
        Assert.That(answer.GetGroup("BUNDLE"), Is.EqualTo(new[] { "0" }));
    }

    [Test]
    public void AnswerToAiortc()
    {
        var (answer, audio) = Answer(SdpSamples.Parse(SdpSamples.Aiortc));
        Assert.That(audio.Codec, Is.EqualTo(new SdpCodec(96, "opus", 48000, 2)));
        Assert.That(audio.TelephoneEventPayloadType, Is.Null);
        Assert.That(audio.AudioLevelExtensionId, Is.EqualTo(2));
        Assert.That(audio.Candidates, Has.Count.EqualTo(2));
        Assert.That(audio.RemoteSsrc, Is.EqualTo(1595792645));
        Assert.That(audio.RtcpReducedSize, Is.False);
        Assert.That(answer.MediaDescriptions.Single().Formats, Is.EqualTo(new[] { "96", "0", "8" }));
        Assert.That(answer.MediaDescriptions[0].RtcpReducedSize, Is.False, "not offered, not answered");
        Assert.That(answer.MediaDescriptions[0].Extmaps.Single().Id, Is.EqualTo(2), "the offerer's id");
    }

    [TestCaseSource(typeof(SdpSamples), nameof(SdpSamples.All))]
    public void PcmuOnlyAnswersPcmu(string sample)
    {
        var (answer, audio) = Answer(SdpSamples.Parse(sample), Local(SdpCodec.Pcmu));
        Assert.That(audio.Codec, Is.EqualTo(new SdpCodec(0, "PCMU", 8000)));
        Assert.That(answer.MediaDescriptions[0].Formats, Is.EqualTo(new[] { "0" }));
    }

    [TestCase("sendrecv", SdpDirection.SendRecv, "sendrecv")]
    [TestCase("sendonly", SdpDirection.SendRecv, "recvonly")]
    [TestCase("recvonly", SdpDirection.SendRecv, "sendonly")]
    [TestCase("inactive", SdpDirection.SendRecv, "inactive")]
    [TestCase("sendrecv", SdpDirection.RecvOnly, "recvonly")]
    [TestCase("sendrecv", SdpDirection.SendOnly, "sendonly")]
    [TestCase("recvonly", SdpDirection.RecvOnly, "inactive")]
    public void AnswerDirectionFollowsRfc3264(string offered, SdpDirection local, string expected)
    {
        var offer = SdpSamples.ParseText(SdpSamples.Text(SdpSamples.Aiortc).Replace("a=sendrecv", "a=" + offered));
        var (answer, audio) = Answer(offer, Local() with { Direction = local });
        Assert.That(audio.Direction.ToString().ToLowerInvariant(), Is.EqualTo(offered));
        Assert.That(answer.MediaDescriptions[0].Attributes.Count(a => a.Name is "sendrecv" or "sendonly" or "recvonly" or "inactive"), Is.EqualTo(1));
        Assert.That(answer.MediaDescriptions[0].HasAttribute(expected), Is.True);
    }

    [TestCase("actpass", SdpSetupRole.Active)]
    [TestCase("active", SdpSetupRole.Passive)]
    [TestCase("passive", SdpSetupRole.Active)]
    public void AnswerSetupComplementsTheOffer(string offered, SdpSetupRole expected)
    {
        var offer = SdpSamples.ParseText(SdpSamples.Text(SdpSamples.Aiortc).Replace("a=setup:actpass", "a=setup:" + offered));
        Assert.That(Answer(offer).Answer.MediaDescriptions[0].Setup, Is.EqualTo(expected));
    }

    [TestCase("a=setup:actpass", "a=setup:holdconn", "holdconn")]
    [TestCase("a=setup:actpass\r\n", "", "no a=setup")]
    [TestCase("a=rtcp-mux\r\n", "", "no a=rtcp-mux")]
    [TestCase("a=ice-pwd:B5oo8TYmFBwIF5TYGqgIlj\r\n", "", "no a=ice-ufrag/a=ice-pwd")]
    [TestCase("a=fingerprint:", "a=x-fingerprint:", "no a=fingerprint")]
    [TestCase("a=ice-ufrag:XTOL", "a=ice-ufrag:XTO", "outside RFC 8839")]
    [TestCase("a=ice-pwd:B5oo8TYmFBwIF5TYGqgIlj", "a=ice-pwd:B5oo8TYmFBwIF5TYGqgIl", "outside RFC 8839")]
    [TestCase("a=ice-ufrag:XTOL", "a=ice-ufrag:XT-L", "outside RFC 8839")]
    [TestCase("UDP/TLS/RTP/SAVPF", "RTP/AVP", "no audio m-line with a DTLS-SRTP profile")]
    [TestCase("m=audio 33948", "m=audio 0", "no audio m-line")]
    [TestCase("m=audio", "m=video", "no audio m-line")]
    [TestCase("PCMU/8000\r\na=rtpmap:8 PCMA/8000", "G729/8000\r\na=rtpmap:8 GSM/8000", "codec in common")]
    public void UnacceptableOffersGetAClearError(string find, string replace, string expected)
    {
        var text = SdpSamples.Text(SdpSamples.Aiortc).Replace(find, replace);
        var offer = SdpSamples.ParseText(text.Replace("opus/48000/2", "opus/48000/1")); // no Opus either, for the codec case
        Assert.That(Error(offer), Does.Contain(expected));
    }

    [Test]
    public void OnlyTheFirstAcceptableAudioSectionIsTaken()
    {
        // A first audio section with only G.729 and a second and third with Opus: the second wins, the rest are rejected.
        string aiortc = SdpSamples.Text(SdpSamples.Aiortc);
        int media = aiortc.IndexOf("m=audio", StringComparison.Ordinal);
        string section = aiortc[media..];
        string unusable = section.Replace("96 0 8", "18").Replace("a=mid:0", "a=mid:a0");
        string offerText = aiortc[..media].Replace("BUNDLE 0", "BUNDLE a0 0 a2") + unusable + section + section.Replace("a=mid:0", "a=mid:a2");
        var (answer, audio) = Answer(SdpSamples.ParseText(offerText));
        Assert.That((audio.MediaIndex, audio.Mid), Is.EqualTo((1, "0")));
        Assert.That(answer.MediaDescriptions.Select(m => (m.Port, m.Mid)), Is.EqualTo(new[] { (0, "a0"), (9, "0"), (0, "a2") }));
        Assert.That(answer.GetGroup("BUNDLE"), Is.EqualTo(new[] { "0" }));
    }

    [Test]
    public void WithoutBundleInTheOfferTheAnswerHasNoGroup()
    {
        var offer = SdpSamples.ParseText(SdpSamples.Text(SdpSamples.Aiortc).Replace("a=group:BUNDLE 0\r\n", ""));
        Assert.That(Answer(offer).Answer.GetGroup("BUNDLE"), Is.Null);
    }

    [Test]
    public void TwoBerylsNegotiateWithEachOther()
    {
        var offerer = Local() with { IceUfrag = "0ffr", Ssrc = 1 };
        var answerer = Local(SdpCodec.Pcma, SdpCodec.Opus, SdpCodec.TelephoneEvent48000) with { Ssrc = 2 };
        var offer = SdpSamples.ParseText(SdpOfferAnswer.CreateOffer(offerer).ToString());
        var (answer, atAnswerer) = Answer(offer, answerer);
        Assert.That(atAnswerer.Codec.Name, Is.EqualTo("opus"), "the offerer's order decides");
        Assert.That(atAnswerer.RemoteSsrc, Is.EqualTo(1));
        Assert.That(atAnswerer.IceUfrag, Is.EqualTo("0ffr"));

        Assert.That(SdpOfferAnswer.TryGetNegotiatedAudio(answer, offerer.Codecs, out var atOfferer, out string? error), Is.True, error);
        Assert.That(atOfferer!.Codec, Is.EqualTo(new SdpCodec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1")));
        Assert.That(atOfferer.Setup, Is.EqualTo(SdpSetupRole.Active), "the answerer is the DTLS client");
        Assert.That(atOfferer.RemoteSsrc, Is.EqualTo(2));
        Assert.That(atOfferer.TelephoneEventPayloadType, Is.EqualTo(101));
        Assert.That(atOfferer.Mid, Is.EqualTo("0"));
    }

    [Test]
    public void AiortcAcceptsOurOfferAndWeReadItsAnswer()
    {
        // The sample is what aiortc 1.4 answered to CreateOffer(Local() + one host candidate), with no track to send.
        Assert.That(SdpOfferAnswer.TryGetNegotiatedAudio(SdpSamples.Parse(SdpSamples.AiortcAnswer), Local().Codecs, out var audio, out string? error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(audio!.Codec, Is.EqualTo(new SdpCodec(111, "opus", 48000, 2)));
            Assert.That(audio.Codecs.Select(c => c.Name), Is.EqualTo(new[] { "opus", "PCMU", "PCMA" }));
            Assert.That(audio.TelephoneEventPayloadType, Is.Null, "aiortc does not answer telephone-event");
            Assert.That(audio.Setup, Is.EqualTo(SdpSetupRole.Active));
            Assert.That(audio.Direction, Is.EqualTo(SdpDirection.RecvOnly));
            Assert.That(audio.RemoteSsrc, Is.EqualTo(773456184));
            Assert.That(audio.AudioLevelExtensionId, Is.EqualTo(1));
            Assert.That(audio.Candidates, Is.Empty);
            Assert.That(audio.Mid, Is.EqualTo("0"));
        });
    }

    [Test]
    public void AnswerDirectionTableIsComplete()
    {
        var all = Enum.GetValues<SdpDirection>();
        foreach (var offered in all)
        {
            foreach (var local in all)
            {
                var answer = SdpOfferAnswer.AnswerDirection(offered, local);
                bool answerSends = answer is SdpDirection.SendRecv or SdpDirection.SendOnly;
                bool answerReceives = answer is SdpDirection.SendRecv or SdpDirection.RecvOnly;
                Assert.That(answerSends, Is.EqualTo(offered is SdpDirection.SendRecv or SdpDirection.RecvOnly && local is SdpDirection.SendRecv or SdpDirection.SendOnly));
                Assert.That(answerReceives, Is.EqualTo(offered is SdpDirection.SendRecv or SdpDirection.SendOnly && local is SdpDirection.SendRecv or SdpDirection.RecvOnly));
            }
        }
    }
}
