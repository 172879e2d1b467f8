using System.Net;
using Beryl.Media.Stun;

namespace Beryl.Media.Tests.Stun;

[TestFixture]
public sealed class StunMutationTests
{
    private static List<byte[]> Seeds()
    {
        var seeds = new List<byte[]>
        {
            Rfc5769Vectors.SampleRequest, Rfc5769Vectors.SampleIPv4Response,
            Rfc5769Vectors.SampleIPv6Response, Rfc5769Vectors.LongTermRequest,
        };
        byte[] buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageClass.ErrorResponse, StunMethod.Binding, StunTransactionId.NewRandom());
        writer.AddErrorCode(420, "Unknown Attribute");
        writer.AddUnknownAttributes([0x0031, 0x0032]);
        writer.AddMappedAddress(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 9));
        writer.AddUseCandidate();
        writer.AddIceControlling(12345);
        writer.AddAttribute(0xC0DE, [1]);
        writer.AddMessageIntegrity("pw"u8);
        writer.AddFingerprint();
        seeds.Add(writer.Written.ToArray());
        return seeds;
    }

    [Test]
    public void RandomMutationsNeverThrowAndAcceptedMessagesReserialiseConsistently()
    {
        var random = new Random(5769);
        List<byte[]> seeds = Seeds();
        int accepted = 0;
        for (int i = 0; i < 5000; i++)
        {
            byte[] mutated = Mutate(seeds[random.Next(seeds.Count)], random);
            if (!StunMessage.TryParse(mutated, out StunMessage message))
                continue;
            accepted++;
            Summary first = Summarise(message);
            byte[] rewritten = Reserialise(message);
            Assert.That(StunMessage.TryParse(rewritten, out StunMessage reparsed), Is.True, $"case {i}");
            Assert.That(Summarise(reparsed), Is.EqualTo(first), $"case {i}");
            Assert.That(Reserialise(reparsed), Is.EqualTo(rewritten), $"case {i}");
            // Checking the integrity and fingerprint must not throw either, whatever the bytes.
            _ = message.VerifyMessageIntegrity("pw"u8) | message.HasValidFingerprint;
        }
        // Single-byte flips inside values keep many messages valid; a parser rejecting everything would pass vacuously.
        Assert.That(accepted, Is.GreaterThan(500));
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    int start = random.Next(bytes.Count);
                    bytes.RemoveRange(start, Math.Min(bytes.Count - start, 1 + random.Next(8)));
                    break;
                case 2:
                    for (int k = random.Next(1, 9); k > 0; k--)
                        bytes.Add((byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                default:
                    // Rewrite an attribute length or the message length: the fields parsers trust most.
                    if (bytes.Count >= 4)
                    {
                        int at = random.Next(2) == 0 ? 2 : 20 + 4 * random.Next(Math.Max(1, (bytes.Count - 20) / 4)) + 2;
                        if (at + 1 < bytes.Count)
                        {
                            ushort value = (ushort)random.Next(0, 130);
                            bytes[at] = (byte)(value >> 8);
                            bytes[at + 1] = (byte)value;
                        }
                    }
                    break;
            }
        }
        return bytes.ToArray();
    }

    private sealed record Summary(
        StunMessageClass Class, StunMethod Method, StunTransactionId Id, string? Username, string? Software,
        IPEndPoint? Mapped, IPEndPoint? XorMapped, uint? Priority, bool UseCandidate, ulong? Controlling, ulong? Controlled,
        int? Error, string? Reason, int UnknownRequired, bool Integrity, bool Fingerprint);

    private static Summary Summarise(StunMessage m) => new(
        m.Class, m.Method, m.TransactionId, m.Username, m.Software,
        m.TryGetMappedAddress(out IPEndPoint a) ? a : null,
        m.TryGetXorMappedAddress(out IPEndPoint x) ? x : null,
        m.TryGetPriority(out uint p) ? p : null, m.HasUseCandidate,
        m.TryGetIceControlling(out ulong c) ? c : null, m.TryGetIceControlled(out ulong d) ? d : null,
        m.TryGetErrorCode(out int code, out string reason) ? code : null, m.TryGetErrorCode(out _, out reason) ? reason : null,
        m.UnknownRequiredAttributeCount, m.HasMessageIntegrity, m.HasFingerprint);

    // Rewrites every attribute verbatim through the writer: padding becomes zeros (so the integrity and
    // fingerprint checks may change outcome) but every value is kept.
    private static byte[] Reserialise(StunMessage message)
    {
        byte[] buffer = new byte[message.Bytes.Length];
        var writer = new StunMessageWriter(buffer, message.Class, message.Method, message.TransactionId);
        foreach (StunAttribute attribute in message.Attributes)
            writer.AddAttribute(attribute.Type, attribute.Value);
        return writer.Written.ToArray();
    }
}
