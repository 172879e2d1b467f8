using System.Net;
using System.Security.Cryptography;
using System.Text;
using Beryl.Media.Stun;

namespace Beryl.Media.Tests.Stun;

[TestFixture]
public sealed class StunMessageTests
{
    private static readonly byte[] ShortTermKey = Encoding.UTF8.GetBytes(Rfc5769Vectors.ShortTermPassword);

    [Test]
    public void Rfc5769SampleRequestParsesAndVerifies()
    {
        Assert.That(StunMessage.TryParse(Rfc5769Vectors.SampleRequest, out StunMessage message), Is.True);
        Assert.That(message.Class, Is.EqualTo(StunMessageClass.Request));
        Assert.That(message.Method, Is.EqualTo(StunMethod.Binding));
        Assert.That(message.TransactionId, Is.EqualTo(StunTransactionId.Read(Rfc5769Vectors.TransactionId)));
        Assert.That(message.Software, Is.EqualTo("STUN test client"));
        Assert.That(message.Username, Is.EqualTo("evtj:h6vY"));
        Assert.That(message.TryGetPriority(out uint priority) ? priority : 0u, Is.EqualTo(0x6e0001ffu));
        Assert.That(message.TryGetIceControlled(out ulong tieBreaker) ? tieBreaker : 0ul, Is.EqualTo(0x932ff9b151263b36ul));
        Assert.That(message.TryGetIceControlling(out _), Is.False);
        Assert.That(message.HasUseCandidate, Is.False);
        Assert.That(message.VerifyMessageIntegrity(ShortTermKey), Is.True);
        Assert.That(message.VerifyMessageIntegrity("wrong"u8), Is.False);
        Assert.That(message.HasValidFingerprint, Is.True);
        Assert.That(message.UnknownRequiredAttributeCount, Is.Zero);
    }

    [TestCase(false, "192.0.2.1")]
    [TestCase(true, "2001:db8:1234:5678:11:2233:4455:6677")]
    public void Rfc5769SampleResponsesParseAndVerify(bool ipv6, string address)
    {
        byte[] bytes = ipv6 ? Rfc5769Vectors.SampleIPv6Response : Rfc5769Vectors.SampleIPv4Response;
        Assert.That(StunMessage.TryParse(bytes, out StunMessage message), Is.True);
        Assert.That(message.Class, Is.EqualTo(StunMessageClass.SuccessResponse));
        Assert.That(message.Software, Is.EqualTo("test vector"));
        Assert.That(message.TryGetXorMappedAddress(out IPEndPoint mapped), Is.True);
        Assert.That(mapped, Is.EqualTo(new IPEndPoint(IPAddress.Parse(address), 32853)));
        Assert.That(message.VerifyMessageIntegrity(ShortTermKey), Is.True);
        Assert.That(message.HasValidFingerprint, Is.True);
    }

    [Test]
    public void Rfc5769LongTermRequestVerifiesWithMd5Key()
    {
        Assert.That(StunMessage.TryParse(Rfc5769Vectors.LongTermRequest, out StunMessage message), Is.True);
        Assert.That(message.Username, Is.EqualTo("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"));
        Assert.That(message.TryGetAttribute(StunAttributeType.Realm, out ReadOnlySpan<byte> realm), Is.True);
        Assert.That(Encoding.UTF8.GetString(realm), Is.EqualTo("example.org"));
        Assert.That(message.TryGetAttribute(StunAttributeType.Nonce, out ReadOnlySpan<byte> nonce), Is.True);
        Assert.That(Encoding.UTF8.GetString(nonce), Is.EqualTo("f//499k954d6OL34oL9FSTvy64sA"));
        // The password "The<U+00AD>M<U+00AA>tr<U+2168>" after SASLprep is "TheMatrIX".
        byte[] key = MD5.HashData(Encoding.UTF8.GetBytes(message.Username + ":example.org:TheMatrIX"));
        Assert.That(message.VerifyMessageIntegrity(key), Is.True);
        Assert.That(message.HasFingerprint, Is.False);
    }

    [Test]
    public void WriterReproducesRfc5769SampleRequestBytes()
    {
        byte[] buffer = new byte[200];
        var writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, StunTransactionId.Read(Rfc5769Vectors.TransactionId));
        writer.AddSoftware("STUN test client");
        writer.AddPriority(0x6e0001ff);
        writer.AddIceControlled(0x932ff9b151263b36);
        writer.AddUsername("evtj:h6vY");
        writer.AddMessageIntegrity(ShortTermKey);
        writer.AddFingerprint();
        byte[] expected = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        // The RFC pads USERNAME with spaces, we pad with zeros: the padding is not covered by anything we compare.
        Assert.That(writer.Written.Length, Is.EqualTo(expected.Length));
        byte[] written = writer.Written.ToArray();
        Assert.That(written.AsSpan(0, 69).SequenceEqual(expected.AsSpan(0, 69)), Is.True);
        Assert.That(StunMessage.TryParse(written, out StunMessage reparsed), Is.True);
        Assert.That(reparsed.VerifyMessageIntegrity(ShortTermKey), Is.True);
        Assert.That(reparsed.HasValidFingerprint, Is.True);
    }

    [Test]
    public void WriterRoundTripsEveryAttribute()
    {
        var id = StunTransactionId.NewRandom();
        byte[] buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, StunMessageClass.ErrorResponse, StunMethod.Binding, id);
        var v4 = new IPEndPoint(IPAddress.Parse("203.0.113.7"), 40000);
        var v6 = new IPEndPoint(IPAddress.Parse("2001:db8::42"), 5);
        writer.AddMappedAddress(v4);
        writer.AddXorMappedAddress(v6);
        writer.AddUseCandidate();
        writer.AddIceControlling(ulong.MaxValue - 3);
        writer.AddErrorCode(420, "Unknown Attribute");
        writer.AddUnknownAttributes([0x0031, 0x7777, 0x0002]);
        writer.AddMessageIntegrity("key"u8);
        writer.AddFingerprint();

        Assert.That(StunMessage.TryParse(writer.Written, out StunMessage message), Is.True);
        Assert.That(message.Class, Is.EqualTo(StunMessageClass.ErrorResponse));
        Assert.That(message.TransactionId, Is.EqualTo(id));
        Assert.That(message.TryGetMappedAddress(out IPEndPoint mapped) ? mapped : null, Is.EqualTo(v4));
        Assert.That(message.TryGetXorMappedAddress(out IPEndPoint xorMapped) ? xorMapped : null, Is.EqualTo(v6));
        Assert.That(message.HasUseCandidate, Is.True);
        Assert.That(message.TryGetIceControlling(out ulong tieBreaker) ? tieBreaker : 0, Is.EqualTo(ulong.MaxValue - 3));
        Assert.That(message.TryGetErrorCode(out int code, out string reason), Is.True);
        Assert.That((code, reason), Is.EqualTo((420, "Unknown Attribute")));
        Assert.That(message.UnknownAttributesCount, Is.EqualTo(3));
        Assert.That(message.GetUnknownAttribute(1), Is.EqualTo((ushort)0x7777));
        Assert.That(message.VerifyMessageIntegrity("key"u8), Is.True);
        Assert.That(message.HasValidFingerprint, Is.True);
    }

    [Test]
    public void UnknownAttributesAreSkippedOrReportedByComprehensionRange()
    {
        byte[] buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, StunTransactionId.NewRandom());
        writer.AddAttribute(0xC001, [1, 2, 3]);   // optional: skipped silently
        writer.AddAttribute(0x0031, [9]);         // required: reported
        writer.AddAttribute(0x0031, [9]);         // reported once
        writer.AddAttribute(0x7FFE, []);          // required, zero length
        Assert.That(StunMessage.TryParse(writer.Written, out StunMessage message), Is.True);
        Assert.That(message.UnknownRequiredAttributeCount, Is.EqualTo(3));
        Span<ushort> unknown = stackalloc ushort[8];
        int count = message.CopyUnknownRequiredAttributes(unknown);
        Assert.That(unknown[..count].ToArray(), Is.EqualTo(new ushort[] { 0x0031, 0x7FFE }));
    }

    [Test]
    public void AttributesAfterIntegrityAreIgnoredAndNothingMayFollowFingerprint()
    {
        byte[] buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, StunTransactionId.NewRandom());
        writer.AddMessageIntegrity("k"u8);
        writer.AddPriority(7);
        Assert.That(StunMessage.TryParse(writer.Written, out StunMessage message), Is.True);
        Assert.That(message.TryGetPriority(out _), Is.False);
        Assert.That(message.VerifyMessageIntegrity("k"u8), Is.True);

        writer.AddFingerprint();
        writer.AddPriority(8);
        Assert.That(StunMessage.TryParse(writer.Written, out _), Is.False);
    }

    [TestCase(StunAttributeType.Priority, 3)]
    [TestCase(StunAttributeType.UseCandidate, 4)]
    [TestCase(StunAttributeType.IceControlling, 4)]
    [TestCase(StunAttributeType.MessageIntegrity, 16)]
    [TestCase(StunAttributeType.XorMappedAddress, 12)]
    [TestCase(StunAttributeType.ErrorCode, 2)]
    public void KnownAttributesWithWrongLengthsAreRejected(ushort type, int length)
    {
        byte[] buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageClass.Request, StunMethod.Binding, StunTransactionId.NewRandom());
        writer.AddAttribute(type, new byte[length]);
        Assert.That(StunMessage.TryParse(writer.Written, out _), Is.False);
    }

    [Test]
    public void HeaderChecksRejectNonStun()
    {
        byte[] valid = Rfc5769Vectors.SampleIPv4Response;
        Assert.That(StunMessage.IsStun(valid), Is.True);
        Assert.That(StunMessage.TryParse(valid.AsSpan(0, 19), out _), Is.False);
        Assert.That(StunMessage.TryParse([.. valid, 0, 0, 0, 0], out _), Is.False, "length field disagrees with the datagram");
        byte[] rtp = (byte[])valid.Clone();
        rtp[0] = 0x80;
        Assert.That(StunMessage.IsStun(rtp), Is.False);
        byte[] badCookie = (byte[])valid.Clone();
        badCookie[5] ^= 1;
        Assert.That(StunMessage.IsStun(badCookie), Is.False);
        byte[] oddLength = (byte[])valid.Clone();
        oddLength[3] = 0x3d;
        Assert.That(StunMessage.TryParse(oddLength, out _), Is.False);
    }

    [Test]
    public void TamperingIsDetectedByIntegrityAndFingerprint()
    {
        byte[] bytes = (byte[])Rfc5769Vectors.SampleIPv4Response.Clone();
        bytes[47] ^= 0x01; // last byte of the XOR'd address
        Assert.That(StunMessage.TryParse(bytes, out StunMessage message), Is.True);
        Assert.That(message.VerifyMessageIntegrity(ShortTermKey), Is.False);
        Assert.That(message.HasValidFingerprint, Is.False);
    }

    [Test]
    public void MessageTypeBitsInterleaveClassAndMethod()
    {
        byte[] buffer = new byte[20];
        foreach (StunMessageClass cls in Enum.GetValues<StunMessageClass>())
        {
            foreach (ushort method in new ushort[] { 0x001, 0x00F, 0x070, 0xF80, 0xFFF })
            {
                _ = new StunMessageWriter(buffer, cls, (StunMethod)method, default);
                Assert.That(StunMessage.TryParse(buffer, out StunMessage message), Is.True);
                Assert.That((message.Class, (ushort)message.Method), Is.EqualTo((cls, method)));
            }
        }
        _ = new StunMessageWriter(buffer, StunMessageClass.SuccessResponse, StunMethod.Binding, default);
        Assert.That(buffer[0..2], Is.EqualTo(new byte[] { 0x01, 0x01 }));
    }
}
