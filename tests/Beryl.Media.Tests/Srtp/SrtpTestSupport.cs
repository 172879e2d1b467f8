using System.Buffers.Binary;
using Beryl.Media.Srtp;

namespace Beryl.Media.Tests.Srtp;

/// <summary>Keys, RTP/RTCP packet builders and context pairs for the SRTP tests.</summary>
internal static class SrtpTestSupport
{
    public static readonly SrtpProtectionProfile[] Profiles =
    [
        SrtpProtectionProfile.Aes128CmHmacSha1_80,
        SrtpProtectionProfile.Aes128CmHmacSha1_32,
        SrtpProtectionProfile.AeadAes128Gcm,
    ];

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    /// <summary>Deterministic keying material for <paramref name="profile"/>; <paramref name="seed"/> varies it.</summary>
    public static SrtpKeyingMaterial Keys(SrtpProtectionProfile profile, int seed = 1)
    {
        var random = new Random(seed);
        var key = new byte[SrtpProtectionProfiles.MasterKeyLength(profile)];
        var salt = new byte[SrtpProtectionProfiles.MasterSaltLength(profile)];
        random.NextBytes(key);
        random.NextBytes(salt);
        return new SrtpKeyingMaterial(profile, key, salt);
    }

    /// <summary>A sender and a receiver context on the same keys.</summary>
    public static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProtectionProfile profile, int maxStreams = SrtpContext.DefaultMaxStreams)
    {
        var keys = Keys(profile);
        return (new SrtpContext(keys, maxStreams), new SrtpContext(keys, maxStreams));
    }

    /// <summary>
    /// An RTP packet (version 2, payload type 111) with <paramref name="csrcCount"/> CSRCs, an optional
    /// one-byte-header extension of <paramref name="extensionWords"/> words, and a payload that depends on the sequence.
    /// </summary>
    public static byte[] PlainRtp(uint ssrc, ushort sequence, int payloadLength = 160, int csrcCount = 0, int extensionWords = -1)
    {
        int header = 12 + 4 * csrcCount + (extensionWords >= 0 ? 4 + 4 * extensionWords : 0);
        var packet = new byte[header + payloadLength];
        packet[0] = (byte)(0x80 | (extensionWords >= 0 ? 0x10 : 0) | csrcCount);
        packet[1] = 111;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 960u * sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (int i = 0; i < csrcCount; i++)
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12 + 4 * i), 0x1000u + (uint)i);
        if (extensionWords >= 0)
        {
            int at = 12 + 4 * csrcCount;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at), 0xBEDE);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at + 2), (ushort)extensionWords);
            for (int i = 0; i < 4 * extensionWords; i++)
                packet[at + 4 + i] = (byte)(0x10 + i);
        }

        for (int i = header; i < packet.Length; i++)
            packet[i] = (byte)(sequence * 7 + i);
        return packet;
    }

    /// <summary>An RTCP receiver report from <paramref name="ssrc"/> with one report block.</summary>
    public static byte[] Rtcp(uint ssrc, byte fill = 0x5A)
    {
        var packet = new byte[32];
        packet[0] = 0x81;
        packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        packet.AsSpan(8).Fill(fill);
        return packet;
    }

    /// <summary>Protects <paramref name="plain"/> with <paramref name="protect"/> into a new array of exactly the protected length.</summary>
    public static byte[] Protect(SrtpContext context, byte[] plain, bool rtcp = false)
    {
        var buffer = new byte[plain.Length + SrtpContext.MaxOverhead];
        plain.CopyTo(buffer, 0);
        SrtpStatus status = rtcp
            ? context.ProtectRtcp(buffer, plain.Length, out int length)
            : context.ProtectRtp(buffer, plain.Length, out length);
        Assert.That(status, Is.EqualTo(SrtpStatus.Ok));
        return buffer[..length];
    }

    /// <summary>Unprotects a copy of <paramref name="packet"/>; returns the status and the plain packet (empty unless Ok).</summary>
    public static (SrtpStatus Status, byte[] Plain) Unprotect(SrtpContext context, byte[] packet, bool rtcp = false)
    {
        var buffer = (byte[])packet.Clone();
        SrtpStatus status = rtcp
            ? context.UnprotectRtcp(buffer, buffer.Length, out int length)
            : context.UnprotectRtp(buffer, buffer.Length, out length);
        return (status, buffer[..length]);
    }
}
