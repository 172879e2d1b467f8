using System.Text;
using Beryl.Media.WebRtc;

namespace Beryl.Signaling.Tests.Messages;

public class SignalingMessageTests
{
    [Test]
    public void An_offer_is_read_with_its_sdp()
    {
        Assert.That(SignalingMessage.TryParse("""{"type":"offer","sdp":"v=0\r\n"}""", out var message, out string? error), Is.True, error);
        Assert.That(message!.Type, Is.EqualTo(SignalingMessageType.Offer));
        Assert.That(message.Sdp, Is.EqualTo("v=0\r\n"));
    }

    [Test]
    public void A_candidate_keeps_its_mid_index_and_username_fragment()
    {
        const string text = """{"type":"candidate","candidate":"candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"abcd"}""";
        Assert.That(SignalingMessage.TryParse(text, out var message, out string? error), Is.True, error);
        var candidate = message!.Candidate!;
        Assert.That(candidate.candidate, Does.StartWith("candidate:1 1 udp"));
        Assert.That(candidate.sdpMid, Is.EqualTo("0"));
        Assert.That(candidate.sdpMLineIndex, Is.EqualTo(0));
        Assert.That(candidate.usernameFragment, Is.EqualTo("abcd"));
    }

    [TestCase("""{"type":"candidate","candidate":""}""")]
    [TestCase("""{"type":"candidate","candidate":null}""")]
    [TestCase("""{"type":"candidate"}""")]
    public void An_empty_or_missing_candidate_ends_the_candidates(string text)
    {
        Assert.That(SignalingMessage.TryParse(text, out var message, out string? error), Is.True, error);
        Assert.That(message!.Type, Is.EqualTo(SignalingMessageType.Candidate));
        Assert.That(message.Candidate, Is.Null);
    }

    [TestCase("""{"type":"offer-request"}""", SignalingMessageType.OfferRequest)]
    [TestCase("""{"type":"bye"}""", SignalingMessageType.Bye)]
    [TestCase("""{"type":"answer","sdp":"v=0"}""", SignalingMessageType.Answer)]
    [TestCase("""{"type":"error","message":"no"}""", SignalingMessageType.Error)]
    [TestCase("""{"type":"stats","session":{}}""", SignalingMessageType.Stats)]
    public void The_other_types_are_read(string text, SignalingMessageType type)
    {
        Assert.That(SignalingMessage.TryParse(text, out var message, out string? error), Is.True, error);
        Assert.That(message!.Type, Is.EqualTo(type));
    }

    [TestCase("", "empty")]
    [TestCase("hello", "not JSON")]
    [TestCase("{\"type\":\"offer\",", "not JSON")]
    [TestCase("[1,2]", "JSON object")]
    [TestCase("\"offer\"", "JSON object")]
    [TestCase("{}", "\"type\"")]
    [TestCase("""{"type":7}""", "\"type\"")]
    [TestCase("""{"type":"offer"}""", "\"sdp\"")]
    [TestCase("""{"type":"offer","sdp":42}""", "\"sdp\" must be a string")]
    [TestCase("""{"type":"offer","sdp":"   "}""", "empty")]
    [TestCase("""{"type":"answer","sdp":{"x":1}}""", "\"sdp\" must be a string")]
    [TestCase("""{"type":"candidate","candidate":5}""", "\"candidate\" must be a string")]
    [TestCase("""{"type":"candidate","candidate":"candidate:1","sdpMLineIndex":"0"}""", "sdpMLineIndex")]
    [TestCase("""{"type":"candidate","candidate":"candidate:1","sdpMLineIndex":-1}""", "sdpMLineIndex")]
    [TestCase("""{"type":"candidate","candidate":"candidate:1","sdpMLineIndex":1.5}""", "sdpMLineIndex")]
    [TestCase("""{"type":"candidate","candidate":"candidate:1","sdpMid":[]}""", "\"sdpMid\" must be a string")]
    [TestCase("""{"type":"dance"}""", "unknown message type")]
    [TestCase("""{"type":"offer","sdp":"v=0"} {"type":"bye"}""", "not JSON")]
    [TestCase(" \r\n", "empty")]
    [TestCase("""{"type":"offer","sdp":"v=0" /* hi */}""", "not JSON")]
    public void Bad_text_is_refused_with_a_reason(string text, string reason)
    {
        Assert.That(SignalingMessage.TryParse(text, out var message, out string? error), Is.False);
        Assert.That(message, Is.Null);
        Assert.That(error, Does.Contain(reason));
    }

    [Test]
    public void Deep_nesting_is_refused_without_throwing()
    {
        string text = "{\"type\":\"offer\",\"sdp\":\"v=0\",\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";
        Assert.That(SignalingMessage.TryParse(text, out _, out string? error), Is.False);
        Assert.That(error, Does.Contain("not JSON"));
    }

    [Test]
    public void Random_bytes_never_throw()
    {
        var random = new Random(1234);
        var buffer = new byte[200];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(buffer);
            // Some inputs start as a real message so the parser gets past the first token.
            var prefix = i % 2 == 0 ? Encoding.UTF8.GetBytes("{\"type\":\"candidate\",\"candidate\":") : [];
            var text = prefix.Concat(buffer.AsSpan(0, random.Next(buffer.Length)).ToArray()).ToArray();
            if (SignalingMessage.TryParse(text, out var message, out string? error))
                Assert.That(message, Is.Not.Null);
            else
                Assert.That(error, Is.Not.Empty);
        }
    }

    [Test]
    public void Written_messages_read_back_the_same()
    {
        SignalingMessage[] messages =
        [
            SignalingMessage.Offer("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n"),
            SignalingMessage.Answer("v=0\r\n"),
            SignalingMessage.ForCandidate(new RTCIceCandidateInit { candidate = "candidate:1 1 udp 1 127.0.0.1 9 typ host", sdpMid = "0", sdpMLineIndex = 0 }),
            SignalingMessage.ForCandidate(null),
            SignalingMessage.Error("bad \"quote\" and \u00e9"),
            SignalingMessage.Bye("done"),
            new SignalingMessage { Type = SignalingMessageType.OfferRequest },
            new SignalingMessage { Type = SignalingMessageType.Stats },
        ];
        foreach (var original in messages)
        {
            Assert.That(SignalingMessage.TryParse(original.ToUtf8(), out var read, out string? error), Is.True, error);
            Assert.That(read!.Type, Is.EqualTo(original.Type));
            Assert.That(read.Sdp, Is.EqualTo(original.Sdp));
            Assert.That(read.Text, Is.EqualTo(original.Text));
            Assert.That(read.Candidate?.candidate, Is.EqualTo(original.Candidate?.candidate));
            Assert.That(read.Candidate?.sdpMLineIndex, Is.EqualTo(original.Candidate?.sdpMLineIndex));
        }
    }
}
