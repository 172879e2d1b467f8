using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Beryl.Media.Srtp;

/// <summary>AES-128 counter mode with HMAC-SHA1 authentication (RFC 3711 sections 4.1.1 and 4.2.1).</summary>
internal sealed class AesCmHmacSha1Cipher : SrtpCipher
{
    private const int KeyLength = 16;
    private const int SaltLength = 14;
    private const int AuthKeyLength = 20;
    private const int RtcpTag = 10;

    private readonly Direction _rtp;
    private readonly Direction _rtcp;

    public AesCmHmacSha1Cipher(SrtpKeyingMaterial keys, int rtpTagLength)
    {
        RtpTagLength = rtpTagLength;
        using var master = new AesCounterMode(keys.MasterKey.Span);
        _rtp = new Direction(master, keys, SrtpKeyDerivation.SrtpEncryptionLabel);
        _rtcp = new Direction(master, keys, SrtpKeyDerivation.SrtcpEncryptionLabel);
    }

    public override int RtpTagLength { get; }

    public override int RtcpTagLength => RtcpTag;

    public override void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> tag)
    {
        _rtp.Crypt(packet[headerLength..], ssrc, index);
        Span<byte> mac = stackalloc byte[AuthKeyLength];
        _rtp.Authenticate(packet, RolloverCounter(index, stackalloc byte[4]), mac);
        mac[..RtpTagLength].CopyTo(tag);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, ReadOnlySpan<byte> tag)
    {
        Span<byte> mac = stackalloc byte[AuthKeyLength];
        _rtp.Authenticate(packet, RolloverCounter(index, stackalloc byte[4]), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..RtpTagLength], tag))
            return false;
        _rtp.Crypt(packet[headerLength..], ssrc, index);
        return true;
    }

    public override int ProtectRtcp(Span<byte> buffer, int length, uint ssrc, uint index)
    {
        _rtcp.Crypt(buffer[RtcpClearHeaderLength..length], ssrc, index);
        WriteFlagAndIndex(buffer[length..], index);
        int authenticated = length + RtcpIndexLength;
        Span<byte> mac = stackalloc byte[AuthKeyLength];
        _rtcp.Authenticate(buffer[..authenticated], [], mac);
        mac[..RtcpTag].CopyTo(buffer[authenticated..]);
        return authenticated + RtcpTag;
    }

    public override bool UnprotectRtcp(Span<byte> buffer, int length, uint ssrc, uint flagAndIndex)
    {
        int authenticated = length - RtcpTag;
        Span<byte> mac = stackalloc byte[AuthKeyLength];
        _rtcp.Authenticate(buffer[..authenticated], [], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..RtcpTag], buffer.Slice(authenticated, RtcpTag)))
            return false;
        if ((flagAndIndex & EncryptedFlag) != 0)
            _rtcp.Crypt(buffer[RtcpClearHeaderLength..(authenticated - RtcpIndexLength)], ssrc, flagAndIndex & ~EncryptedFlag);
        return true;
    }

    public override uint ReadRtcpFlagAndIndex(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[^(RtcpTag + RtcpIndexLength)..]);

    public override void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    private static ReadOnlySpan<byte> RolloverCounter(ulong index, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(index >> 16));
        return destination;
    }

    /// <summary>Session keys of SRTP or of SRTCP: the three labels from <c>encryptionLabel</c> on.</summary>
    private sealed class Direction : IDisposable
    {
        private readonly AesCounterMode _cipher;
        private readonly IncrementalHash _hmac;
        private readonly byte[] _salt = new byte[SaltLength];

        public Direction(AesCounterMode master, SrtpKeyingMaterial keys, byte encryptionLabel)
        {
            Span<byte> key = stackalloc byte[AuthKeyLength];
            try
            {
                Derive(master, keys, encryptionLabel, key[..KeyLength]);
                _cipher = new AesCounterMode(key[..KeyLength]);
                Derive(master, keys, (byte)(encryptionLabel + 1), key);
                _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
                Derive(master, keys, (byte)(encryptionLabel + 2), _salt);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        /// <summary>XORs with the keystream of IV = salt * 2^16 XOR SSRC * 2^64 XOR index * 2^16.</summary>
        public void Crypt(Span<byte> data, uint ssrc, ulong index)
        {
            Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
            iv.Clear();
            _salt.CopyTo(iv);
            Span<byte> ssrcAndIndex = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(ssrcAndIndex, ssrc);
            BinaryPrimitives.WriteUInt64BigEndian(ssrcAndIndex[4..], index << 16);
            for (int i = 0; i < ssrcAndIndex.Length; i++)
                iv[4 + i] ^= ssrcAndIndex[i];
            _cipher.Apply(iv, data);
        }

        /// <summary>Full 20-byte HMAC-SHA1 of <paramref name="data"/> followed by <paramref name="suffix"/>.</summary>
        public void Authenticate(ReadOnlySpan<byte> data, ReadOnlySpan<byte> suffix, Span<byte> mac)
        {
            _hmac.AppendData(data);
            _hmac.AppendData(suffix);
            _hmac.GetHashAndReset(mac);
        }

        public void Dispose()
        {
            _cipher.Dispose();
            _hmac.Dispose();
        }
    }
}
