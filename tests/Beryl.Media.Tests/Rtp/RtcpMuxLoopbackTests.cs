using System.Net;
using System.Net.Sockets;
using Beryl.Media.Rtp;

namespace Beryl.Media.Tests.Rtp;

[TestFixture]
public sealed class RtcpMuxLoopbackTests
{
    [Test]
    public async Task RtpAndRtcpShareOneLoopbackPortAndAreToldApart()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = (IPEndPoint)receiver.Client.LocalEndPoint!;

        byte[] rtp = RtpHeaderTests.BuildAudioPacket(withCsrcAndLevel: true);
        byte[] rtcp = RtcpTests.BuildCompound();
        byte[] marked = RtpHeaderTests.BuildAudioPacket(withCsrcAndLevel: false); // PT 111 with the marker bit: 0xEF, still RTP
        foreach (byte[] datagram in new[] { rtp, rtcp, marked })
            await sender.SendAsync(datagram, target);

        int rtpCount = 0, rtcpCount = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 3; i++)
        {
            var received = await receiver.ReceiveAsync(timeout.Token);
            if (RtcpMux.IsRtcp(received.Buffer))
            {
                rtcpCount++;
                Assert.That(new RtcpCompoundReader(received.Buffer).IsMalformed, Is.False);
            }
            else
            {
                rtpCount++;
                Assert.That(RtpHeader.TryParse(received.Buffer, out var header), Is.True);
                Assert.That(header.PayloadType, Is.EqualTo(111));
            }
        }

        Assert.That((rtpCount, rtcpCount), Is.EqualTo((2, 1)));
    }
}
