using Beryl.Media.Codecs;
using Beryl.Media.Codecs.Opus;
using Beryl.Media.Sdp;
using Beryl.Media.WebRtc;

namespace Beryl.Media.Tests.Codecs;

[TestFixture]
public sealed class AudioCodecsTests
{
    [TestCase("PCMU", G711Law.MuLaw)]
    [TestCase("pcma", G711Law.ALaw)]
    public void G711_codecs_get_G711_objects(string name, G711Law law)
    {
        var codec = new SdpCodec(name == "PCMU" ? 0 : 8, name, 8000);
        Assert.That(AudioCodecs.TryCreateEncoder(codec, new AudioCodecOptions { FrameDurationMs = 10 }, out var encoder, out string? error), Is.True, error);
        Assert.That(AudioCodecs.TryCreateDecoder(codec, 48_000, out var decoder, out error), Is.True, error);
        using (encoder)
        using (decoder)
        {
            Assert.Multiple(() =>
            {
                Assert.That(encoder, Is.TypeOf<G711Encoder>().With.Property(nameof(G711Encoder.Law)).EqualTo(law));
                Assert.That(decoder, Is.TypeOf<G711Decoder>().With.Property(nameof(G711Decoder.Law)).EqualTo(law));
                Assert.That(encoder!.Codec, Is.SameAs(codec));
                Assert.That(encoder.FrameSize, Is.EqualTo(80));
                Assert.That(decoder!.Format.SampleRate, Is.EqualTo(8000), "G.711 decodes at 8 kHz whatever is preferred");
            });
        }
    }

    [TestCase(16_000, null, 16_000, 1)]
    [TestCase(44_100, null, 48_000, 1)]
    [TestCase(48_000, "minptime=10; stereo=1;useinbandfec=1", 48_000, 2)]
    public void Opus_gets_an_Opus_decoder_at_a_rate_it_supports(int preferred, string? fmtp, int rate, int channels)
    {
        CodecSignals.RequireOpus();
        var codec = new SdpCodec(109, "OPUS", 48_000, 2, fmtp);
        Assert.That(AudioCodecs.TryCreateDecoder(codec, preferred, out var decoder, out string? error), Is.True, error);
        using (decoder)
        {
            Assert.That(decoder, Is.TypeOf<OpusDecoder>());
            Assert.That(decoder!.Format, Is.EqualTo(new Beryl.Media.Audio.AudioFormat(rate, channels)));
            Assert.That(decoder.Codec.PayloadType, Is.EqualTo(109));
        }
    }

    [Test]
    public void Opus_gets_an_encoder_with_the_options()
    {
        CodecSignals.RequireOpus();
        var options = new AudioCodecOptions { OpusSampleRate = 16_000, OpusChannels = 2, FrameDurationMs = 40, Opus = new OpusEncoderOptions { Dtx = true } };
        Assert.That(AudioCodecs.TryCreateEncoder(SdpCodec.Opus, options, out var encoder, out string? error), Is.True, error);
        using (encoder)
        {
            var opus = (OpusEncoder)encoder!;
            Assert.Multiple(() =>
            {
                Assert.That(opus.Format, Is.EqualTo(new Beryl.Media.Audio.AudioFormat(16_000, 2)));
                Assert.That(opus.FrameSize, Is.EqualTo(640));
                Assert.That(opus.TimestampIncrement, Is.EqualTo(1920u));
                Assert.That(opus.Options.Dtx, Is.True);
            });
        }
    }

    [Test]
    public void Bad_options_are_an_error_not_an_exception()
    {
        CodecSignals.RequireOpus();
        Assert.Multiple(() =>
        {
            Assert.That(AudioCodecs.TryCreateEncoder(SdpCodec.Opus, new AudioCodecOptions { FrameDurationMs = 30 }, out var encoder, out string? error), Is.False);
            Assert.That(encoder, Is.Null);
            Assert.That(error, Does.Contain("opus").And.Contain("30"));
            Assert.That(AudioCodecs.TryCreateEncoder(SdpCodec.Pcmu, new AudioCodecOptions { FrameDurationMs = 25 }, out _, out error), Is.False);
            Assert.That(error, Does.Contain("PCMU"));
        });
    }

    [Test]
    public void Telephone_event_and_unknown_codecs_are_refused()
    {
        var unknown = new[] { new SdpCodec(9, "G722", 8000), new SdpCodec(96, "opus", 16_000, 2), new SdpCodec(0, "PCMU", 8000, 2), new SdpCodec(97, "L16", 44_100, 2) };
        Assert.Multiple(() =>
        {
            foreach (var events in new[] { SdpCodec.TelephoneEvent8000, SdpCodec.TelephoneEvent48000 })
            {
                Assert.That(AudioCodecs.TryCreateEncoder(events, new AudioCodecOptions(), out var encoder, out string? error), Is.False);
                Assert.That(encoder, Is.Null);
                Assert.That(error, Does.Contain("telephone-event").And.Contain("DTMF"));
                Assert.That(AudioCodecs.TryCreateDecoder(events, 8000, out var decoder, out error), Is.False);
                Assert.That(decoder, Is.Null);
            }

            foreach (var codec in unknown)
            {
                Assert.That(AudioCodecs.TryCreateEncoder(codec, new AudioCodecOptions(), out _, out string? error), Is.False, codec.ToString());
                Assert.That(error, Does.Contain("not supported").And.Contain(codec.Name));
                Assert.That(AudioCodecs.TryCreateDecoder(codec, 8000, out _, out error), Is.False, codec.ToString());
            }
        });
    }

    [Test]
    public void Default_codecs_offer_Opus_first_only_when_libopus_loads()
    {
        IReadOnlyList<SdpCodec> expected = OpusLibrary.IsAvailable
            ? [SdpCodec.Opus, SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.TelephoneEvent48000, SdpCodec.TelephoneEvent8000]
            : [SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.TelephoneEvent8000];
        Assert.Multiple(() =>
        {
            Assert.That(AudioCodecs.DefaultAudioCodecs, Is.EqualTo(expected));
            Assert.That(new RTCConfiguration().AudioCodecs, Is.EqualTo(expected), "peer connections offer the same");
            foreach (var codec in AudioCodecs.DefaultAudioCodecs.Where(c => !c.IsTelephoneEvent))
            {
                Assert.That(AudioCodecs.TryCreateEncoder(codec, new AudioCodecOptions(), out var encoder, out string? error), Is.True, error);
                encoder?.Dispose();
            }
        });
    }

    [Test]
    public async Task A_default_peer_connection_offers_what_the_factory_supports()
    {
        await using var connection = new RTCPeerConnection(new RTCConfiguration { LoopbackOnly = true });
        string sdp = connection.createOffer().sdp;
        if (OpusLibrary.IsAvailable)
            Assert.That(sdp, Does.Contain("a=rtpmap:111 opus/48000/2").And.Contain("a=rtpmap:101 telephone-event/48000"));
        else
            Assert.That(sdp, Does.Not.Contain("opus"));
        Assert.That(sdp, Does.Contain("a=rtpmap:0 PCMU/8000").And.Contain("a=rtpmap:8 PCMA/8000"));
    }
}
