using Beryl.Media.Tests.WebRtc;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Tests.Interop;

/// <summary>
/// Beryl against aiortc, a WebRTC stack written independently of ours: ICE, DTLS-SRTP and PCMU audio both ways, with
/// each side checking that what arrives is the other's test signal.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class AiortcInteropTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const double CallSeconds = 3.0;

    [Test, CancelAfter(90_000)]
    public async Task Aiortc_offers_and_Beryl_answers()
    {
        AiortcProcess.RequireAiortc();
        string record = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"aiortc-offers-{Guid.NewGuid():N}.wav");
        await using var aiortc = AiortcProcess.Start("offer", CallSeconds, record);
        await using var beryl = new PeerHarness();

        var offer = await aiortc.ReceiveAsync("offer", Timeout);
        var result = beryl.Connection.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.offer, sdp = offer["sdp"]!.GetValue<string>() });
        Assert.That(result.IsSuccess, Is.True, result.Error);
        await beryl.Connection.setLocalDescription(beryl.Connection.createAnswer());
        await beryl.Connection.WaitForGatheringCompleteAsync(Timeout);
        await aiortc.SendAsync("answer", beryl.Connection.localDescription!.sdp);

        await RunCallAsync(aiortc, beryl, record);
    }

    [Test, CancelAfter(90_000)]
    public async Task Beryl_offers_and_aiortc_answers()
    {
        AiortcProcess.RequireAiortc();
        string record = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"aiortc-answers-{Guid.NewGuid():N}.wav");
        await using var aiortc = AiortcProcess.Start("answer", CallSeconds, record);
        await using var beryl = new PeerHarness();

        await beryl.Connection.setLocalDescription(beryl.Connection.createOffer());
        await beryl.Connection.WaitForGatheringCompleteAsync(Timeout);
        await aiortc.SendAsync("offer", beryl.Connection.localDescription!.sdp);
        var answer = await aiortc.ReceiveAsync("answer", Timeout);
        var result = beryl.Connection.setRemoteDescription(new RTCSessionDescriptionInit { type = RTCSdpType.answer, sdp = answer["sdp"]!.GetValue<string>() });
        Assert.That(result.IsSuccess, Is.True, result.Error);

        await RunCallAsync(aiortc, beryl, record);
    }

    private static async Task RunCallAsync(AiortcProcess aiortc, PeerHarness beryl, string record)
    {
        await beryl.WaitConnectedAsync(Timeout);
        Assert.That(beryl.Connection.NegotiatedAudioFormat?.Name, Is.EqualTo("PCMU").IgnoreCase, "aiortc offers PCMU, Beryl's first choice without Opus");

        await beryl.SendSignalAsync(TimeSpan.FromSeconds(CallSeconds + 1));
        var done = await aiortc.ReceiveAsync("done", Timeout);
        Assert.That(done["rate"]!.GetValue<int>(), Is.EqualTo(InteropSignal.SampleRate), "aiortc decoded PCMU at 8 kHz");

        short[] atAiortc = ReadWav(record);
        File.Delete(record);
        PeerHarness.AssertSignal(atAiortc, "Beryl → aiortc");
        PeerHarness.AssertSignal(beryl.ReceivedAudio(), "aiortc → Beryl");

        var statistics = beryl.Connection.GetStatistics();
        Assert.Multiple(() =>
        {
            // aiortc's Python pacing falls behind when the machine is busy (CI runs test assemblies side by side):
            // the signal checks above judge the audio, this only asks that a good part of the call arrived.
            Assert.That(statistics.Audio.PacketsReceived, Is.GreaterThan(CallSeconds * 50 / 3));
            Assert.That(statistics.Audio.AuthenticationFailures, Is.Zero);
            Assert.That(statistics.DtlsProfile, Is.EqualTo(Beryl.Media.Srtp.SrtpProtectionProfile.Aes128CmHmacSha1_80), "aiortc 1.4 offers only AES-CM-HMAC-SHA1-80");
        });
    }

    private static short[] ReadWav(string path)
    {
        float[] mono = Beryl.Media.Audio.WavReader.ReadAllChannels(path, out _)[0];
        return [.. mono.Select(s => (short)Math.Clamp(Math.Round(s * 32768.0), short.MinValue, short.MaxValue))];
    }
}
