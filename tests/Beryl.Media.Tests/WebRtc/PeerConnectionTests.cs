using System.Net;
using System.Net.Sockets;
using Beryl.Media.Sdp;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Tests.WebRtc;

/// <summary>Two Beryl peers in one process, over loopback UDP: offer/answer, ICE, DTLS-SRTP and PCMU both ways.</summary>
[TestFixture, NonParallelizable]
public sealed class PeerConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Trickle: descriptions go out at once, candidates follow one by one once the peer can take them.</summary>
    private static async Task NegotiateTrickleAsync(RTCPeerConnection offerer, RTCPeerConnection answerer)
    {
        var toAnswerer = new CandidateRelay(answerer);
        var toOfferer = new CandidateRelay(offerer);
        offerer.onicecandidate += toAnswerer.Forward;
        answerer.onicecandidate += toOfferer.Forward;

        var offer = offerer.createOffer();
        Assert.That(offer.sdp, Does.Not.Contain("a=candidate"), "an offer created before gathering has no candidates");
        await offerer.setLocalDescription(offer);
        PeerHarness.AssertOk(answerer.setRemoteDescription(offer));
        toAnswerer.Open();
        var answer = answerer.createAnswer();
        await answerer.setLocalDescription(answer);
        PeerHarness.AssertOk(offerer.setRemoteDescription(answer));
        toOfferer.Open();
    }


    [TestCase(false)]
    [TestCase(true)]
    public async Task Two_peers_connect_and_carry_audio_both_ways(bool trickle)
    {
        await using var offerer = new PeerHarness();
        await using var answerer = new PeerHarness();
        if (trickle)
            await NegotiateTrickleAsync(offerer.Connection, answerer.Connection);
        else
            await PeerHarness.NegotiateWholeAsync(offerer.Connection, answerer.Connection, Timeout);

        await Task.WhenAll(offerer.WaitConnectedAsync(Timeout), answerer.WaitConnectedAsync(Timeout));
        Assert.That(offerer.Connection.NegotiatedAudioFormat, Is.EqualTo(SdpCodec.Pcmu));
        Assert.That(answerer.Connection.NegotiatedAudioFormat, Is.EqualTo(SdpCodec.Pcmu));

        await Task.WhenAll(offerer.SendSignalAsync(TimeSpan.FromSeconds(1.5)), answerer.SendSignalAsync(TimeSpan.FromSeconds(1.5)));
        await Task.WhenAll(WaitReceivedAsync(offerer, 60), WaitReceivedAsync(answerer, 60));
        PeerHarness.AssertSignal(offerer.ReceivedAudio(), "answerer → offerer");
        PeerHarness.AssertSignal(answerer.ReceivedAudio(), "offerer → answerer");

        var statistics = offerer.Connection.GetStatistics();
        Assert.Multiple(() =>
        {
            Assert.That(statistics.DtlsProfile, Is.EqualTo(Beryl.Media.Srtp.SrtpProtectionProfile.AeadAes128Gcm), "two Beryl peers prefer AES-GCM");
            Assert.That(statistics.Audio.PacketsSent, Is.GreaterThanOrEqualTo(70));
            Assert.That(statistics.Audio.AuthenticationFailures, Is.Zero);
            Assert.That(statistics.SelectedRemoteEndPoint!.Address, Is.EqualTo(IPAddress.Loopback).Or.EqualTo(IPAddress.IPv6Loopback));
        });
    }

    private static async Task WaitReceivedAsync(PeerHarness peer, int packets)
    {
        var deadline = DateTime.UtcNow + Timeout;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (peer.Connection.GetStatistics().Audio.PacketsReceived < packets && DateTime.UtcNow < deadline)
            await timer.WaitForNextTickAsync();
    }

    [Test]
    public async Task A_peer_whose_certificate_does_not_match_the_signalled_fingerprint_is_refused()
    {
        await using var offerer = new PeerHarness();
        await using var answerer = new PeerHarness();
        await offerer.Connection.setLocalDescription(offerer.Connection.createOffer());
        await offerer.Connection.WaitForGatheringCompleteAsync(Timeout);
        PeerHarness.AssertOk(answerer.Connection.setRemoteDescription(offerer.Connection.localDescription!));
        await answerer.Connection.setLocalDescription(answerer.Connection.createAnswer());
        await answerer.Connection.WaitForGatheringCompleteAsync(Timeout);

        // Another certificate's fingerprint in the answer: the offerer must refuse the answerer's real certificate.
        string forged = Beryl.Media.Dtls.DtlsCertificate.Generate().Fingerprint.ToString();
        string answer = answerer.Connection.localDescription!.sdp;
        string genuine = answerer.Connection.Certificate.Fingerprint.ToString();
        Assert.That(answer, Does.Contain(genuine));
        PeerHarness.AssertOk(offerer.Connection.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.answer, sdp = answer.Replace(genuine, forged) }));

        Task failed = await Task.WhenAny(offerer.Failed, Task.Delay(Timeout));
        Assert.That(failed, Is.SameAs(offerer.Failed), $"the offerer ends {offerer.Connection.connectionState}");
        Assert.That(offerer.Connection.GetStatistics().Dtls.FingerprintMismatches, Is.EqualTo(1));
        Assert.That(offerer.Connection.GetStatistics().DtlsFailure, Is.EqualTo(Beryl.Media.Dtls.DtlsHandshakeFailure.RemoteFingerprintMismatch));
        Assert.That(offerer.Connection.SendAudio(160, new byte[160]), Is.False, "no media without an authenticated peer");
    }

    [TestCase("")]
    [TestCase("v=0\r\nthis is not sdp\r\n")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n")]
    public async Task A_bad_remote_offer_is_refused_and_the_connection_stays_usable(string sdp)
    {
        await using var peer = new PeerHarness();
        var result = peer.Connection.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.offer, sdp = sdp });
        Assert.That(result.IsSuccess, Is.False);
        Assert.That(result.Error, Is.Not.Empty);
        Assert.That(peer.Connection.signalingState, Is.EqualTo(RTCSignalingState.stable));

        // Still usable: a real offer from another peer is answered.
        await using var other = new PeerHarness();
        await other.Connection.setLocalDescription(other.Connection.createOffer());
        PeerHarness.AssertOk(peer.Connection.setRemoteDescription(other.Connection.localDescription!));
    }

    [Test]
    public async Task Malformed_trickled_candidates_are_refused_and_counted()
    {
        await using var offerer = new PeerHarness();
        await using var answerer = new PeerHarness();
        Assert.That(answerer.Connection.addIceCandidate(new RTCIceCandidateInit { candidate = "candidate:1 1 udp 1 127.0.0.1 9 typ host" }), Is.False,
            "a candidate before the remote description");
        await offerer.Connection.setLocalDescription(offerer.Connection.createOffer());
        PeerHarness.AssertOk(answerer.Connection.setRemoteDescription(offerer.Connection.localDescription!));
        Assert.Multiple(() =>
        {
            Assert.That(answerer.Connection.addIceCandidate(new RTCIceCandidateInit { candidate = "candidate:garbage" }), Is.False);
            Assert.That(answerer.Connection.addIceCandidate(new RTCIceCandidateInit { candidate = "candidate:1 1 udp 1 127.0.0.1 9 typ host", usernameFragment = "other" }), Is.False,
                "a candidate of another ICE generation");
            Assert.That(answerer.Connection.GetStatistics().RejectedCandidates, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task Close_releases_the_sockets_and_ends_in_closed()
    {
        await using var offerer = new PeerHarness();
        await using var answerer = new PeerHarness();
        await PeerHarness.NegotiateWholeAsync(offerer.Connection, answerer.Connection, Timeout);
        await Task.WhenAll(offerer.WaitConnectedAsync(Timeout), answerer.WaitConnectedAsync(Timeout));
        IPEndPoint local = LocalEndPoint(offerer.Connection);

        await offerer.Connection.DisposeAsync();
        Assert.That(offerer.Connection.connectionState, Is.EqualTo(RTCPeerConnectionState.closed));
        Assert.That(offerer.Connection.SendAudio(160, new byte[160]), Is.False);
        using var rebound = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        Assert.DoesNotThrow(() => rebound.Bind(local), "the closed connection's port is free again");
    }

    private static IPEndPoint LocalEndPoint(RTCPeerConnection connection)
    {
        string line = connection.localDescription!.sdp.Split("\r\n").First(l => l.StartsWith("a=candidate:", StringComparison.Ordinal));
        Assert.That(Beryl.Media.Ice.IceCandidate.TryParse(line, out var candidate), Is.True);
        return candidate.EndPoint!;
    }

    /// <summary>Holds trickled candidates until the receiving peer has the remote description, then forwards them.</summary>
    private sealed class CandidateRelay(RTCPeerConnection target)
    {
        private readonly List<RTCIceCandidateInit> _held = [];
        private bool _open;

        public void Forward(RTCIceCandidateInit? candidate)
        {
            var init = candidate ?? new RTCIceCandidateInit();
            lock (_held)
            {
                if (!_open)
                {
                    _held.Add(init);
                    return;
                }
            }
            Assert.That(target.addIceCandidate(init), Is.True, init.candidate);
        }

        public void Open()
        {
            RTCIceCandidateInit[] held;
            lock (_held)
            {
                _open = true;
                held = [.. _held];
                _held.Clear();
            }
            foreach (var candidate in held)
                Assert.That(target.addIceCandidate(candidate), Is.True, candidate.candidate);
        }
    }
}
