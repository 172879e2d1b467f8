using Beryl.Media.Rtp;
using Beryl.Media.Sdp;
using Beryl.Media.Srtp;
using Beryl.Media.Tests.Srtp;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Tests.WebRtc;

/// <summary>
/// The SRTP audio stream of a call, sender and receiver joined in memory: good packets are delivered, forged, replayed,
/// malformed and unexpected ones are dropped and counted, and the stream goes on.
/// </summary>
public sealed class AudioRtpSessionTests
{
    private static readonly NegotiatedAudio Audio = new(
        0, "0", SdpCodec.Pcmu, [SdpCodec.Pcmu], 126, "ufrag", "password-password-pass", "sha-256 00", SdpSetupRole.Active,
        [], false, null, SdpDirection.SendRecv, null, true);

    private sealed class Call : IDisposable
    {
        public readonly List<byte[]> Wire = [];
        public readonly List<byte[]> BackWire = [];
        public readonly List<(ushort Sequence, byte[] Payload)> Delivered = [];
        public readonly AudioRtpSession Sender;
        public readonly AudioRtpSession Receiver;

        public Call(SrtpProtectionProfile profile)
        {
            var keys = SrtpTestSupport.Keys(profile, seed: 7);
            var reverse = SrtpTestSupport.Keys(profile, seed: 8);
            var hour = TimeSpan.FromHours(1); // no periodic report interferes with the counts
            Sender = new AudioRtpSession(new SrtpContext(keys), new SrtpContext(reverse), Capture, Audio, 1111, "sender", hour);
            Receiver = new AudioRtpSession(new SrtpContext(reverse), new SrtpContext(keys), d => { BackWire.Add(d.ToArray()); return true; }, Audio, 2222, "receiver", hour);
            Receiver.RtpReceived += (in RtpHeader header, ReadOnlySpan<byte> payload) => Delivered.Add((header.SequenceNumber, payload.ToArray()));
        }

        private bool Capture(ReadOnlyMemory<byte> datagram)
        {
            Wire.Add(datagram.ToArray());
            return true;
        }

        public void Dispose()
        {
            Sender.Dispose();
            Receiver.Dispose();
        }
    }

    [TestCase(SrtpProtectionProfile.Aes128CmHmacSha1_80)]
    [TestCase(SrtpProtectionProfile.AeadAes128Gcm)]
    public void Hostile_packets_are_dropped_and_counted_while_the_stream_goes_on(SrtpProtectionProfile profile)
    {
        using var call = new Call(profile);
        for (int i = 0; i < 10; i++)
            Assert.That(call.Sender.SendAudio(160, Enumerable.Repeat((byte)i, 160).ToArray(), marker: false, payloadType: null), Is.True);
        Assert.That(call.Sender.SendAudio(160, new byte[4], marker: false, payloadType: 96), Is.True, "a payload type that was not negotiated");

        byte[] tampered = (byte[])call.Wire[3].Clone();
        tampered[20] ^= 0x01;
        var random = new Random(1234);
        byte[] junk = new byte[100];
        random.NextBytes(junk);
        junk[0] = 0x80; // looks like RTP

        foreach (byte[] packet in call.Wire.Take(3))
            call.Receiver.OnDatagram(packet);
        call.Receiver.OnDatagram(tampered);
        call.Receiver.OnDatagram(call.Wire[1]); // replay
        call.Receiver.OnDatagram(junk);
        call.Receiver.OnDatagram(new byte[3]);
        call.Receiver.OnDatagram(new byte[5000]);
        foreach (byte[] packet in call.Wire.Skip(3))
            call.Receiver.OnDatagram(packet);

        var statistics = call.Receiver.Statistics;
        Assert.Multiple(() =>
        {
            Assert.That(call.Delivered.Select(d => d.Payload[0]), Is.EqualTo(Enumerable.Range(0, 10).Select(i => (byte)i)), "every genuine packet, once, in order");
            Assert.That(statistics.PacketsReceived, Is.EqualTo(10));
            Assert.That(statistics.AuthenticationFailures, Is.EqualTo(2), "the tampered packet and the junk");
            Assert.That(statistics.Replays, Is.EqualTo(1));
            Assert.That(statistics.Malformed, Is.EqualTo(2), "the 3-byte and the oversized datagram");
            Assert.That(statistics.UnknownPayloadType, Is.EqualTo(1));
        });
    }

    [Test]
    public void An_empty_payload_sends_nothing_advances_the_timestamp_and_marks_the_next_talkspurt()
    {
        using var call = new Call(SrtpProtectionProfile.Aes128CmHmacSha1_80);
        var headers = new List<RtpHeader>();
        call.Receiver.RtpReceived += (in RtpHeader header, ReadOnlySpan<byte> payload) => headers.Add(header);
        call.Sender.SendAudio(160, new byte[160], marker: false, payloadType: null);
        call.Sender.SendAudio(160, new byte[160], marker: false, payloadType: null);
        Assert.That(call.Sender.SendAudio(160, ReadOnlySpan<byte>.Empty, marker: false, payloadType: null), Is.True);
        Assert.That(call.Sender.SendAudio(160, ReadOnlySpan<byte>.Empty, marker: false, payloadType: null), Is.True);
        call.Sender.SendAudio(160, new byte[160], marker: false, payloadType: null);
        call.Sender.SendAudio(160, new byte[160], marker: false, payloadType: null);
        Assert.That(call.Wire, Has.Count.EqualTo(4), "silent frames are not sent");
        foreach (byte[] packet in call.Wire)
            call.Receiver.OnDatagram(packet);

        Assert.That(headers.Select(h => (ushort)(h.SequenceNumber - headers[0].SequenceNumber)), Is.EqualTo(new ushort[] { 0, 1, 2, 3 }), "no gap in sequence numbers");
        Assert.That(headers.Select(h => h.Timestamp - headers[0].Timestamp), Is.EqualTo(new uint[] { 0, 160, 640, 800 }), "the timestamp jumps over the silence");
        Assert.That(headers.Select(h => h.Marker), Is.EqualTo(new[] { true, false, true, false }), "the first packet and the first after silence are marked");
    }

    [Test]
    public void A_throwing_handler_is_counted_and_does_not_stop_delivery()
    {
        using var call = new Call(SrtpProtectionProfile.AeadAes128Gcm);
        int calls = 0;
        call.Receiver.RtpReceived += (in RtpHeader header, ReadOnlySpan<byte> payload) =>
        {
            calls++;
            throw new InvalidOperationException("application bug");
        };
        for (int i = 0; i < 3; i++)
            call.Sender.SendAudio(160, new byte[160], marker: false, payloadType: null);
        foreach (byte[] packet in call.Wire)
            Assert.DoesNotThrow(() => call.Receiver.OnDatagram(packet));
        Assert.That(calls, Is.EqualTo(3));
        Assert.That(call.Receiver.Statistics.HandlerErrors, Is.EqualTo(3));
    }

    [Test]
    public void Reports_carry_the_round_trip_time_back_to_the_sender()
    {
        using var call = new Call(SrtpProtectionProfile.Aes128CmHmacSha1_80);
        for (int i = 0; i < 5; i++)
            call.Sender.SendAudio(160, new byte[160], marker: false, payloadType: null);
        call.Sender.SendReport();
        foreach (byte[] packet in call.Wire)
            call.Receiver.OnDatagram(packet);
        Assert.That(call.Sender.Statistics.RoundTripTime, Is.Null);

        // The receiver's report block echoes the sender report (LSR) and how long it held it (DLSR).
        call.Receiver.SendReport();
        Assert.That(call.BackWire, Has.Count.EqualTo(1));
        call.Sender.OnDatagram(call.BackWire[0]);

        Assert.That(call.Sender.Statistics.RoundTripTime, Is.Not.Null.And.LessThan(TimeSpan.FromSeconds(1)));
        Assert.That(call.Sender.Statistics.Malformed + call.Sender.Statistics.AuthenticationFailures, Is.Zero);
    }
}
