using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Beryl.Media.Srtp;

/// <summary>AEAD_AES_128_GCM with a 16-byte tag (RFC 7714 sections 8 and 9).</summary>
internal sealed class AesGcmCipher : SrtpCipher
{
    private const int KeyLength = 16;
    private const int SaltLength = 12;
    private const int TagLength = 16;

    private readonly Direction _rtp;
    private readonly Direction _rtcp;

    public AesGcmCipher(SrtpKeyingMaterial keys)
    {
        using var master = new AesCounterMode(keys.MasterKey.Span);
        _rtp = Direction.Derive(master, keys, SrtpKeyDerivation.SrtpEncryptionLabel);
        _rtcp = Direction.Derive(master, keys, SrtpKeyDerivation.SrtcpEncryptionLabel);
    }

    /// <summary>Uses one session key and salt as given for SRTP and SRTCP, as the RFC 7714 section 16 examples do.</summary>
    internal AesGcmCipher(ReadOnlySpan<byte> sessionKey, ReadOnlySpan<byte> sessionSalt)
    {
        _rtp = new Direction(sessionKey, sessionSalt);
        _rtcp = new Direction(sessionKey, sessionSalt);
    }

    public override int RtpTagLength => TagLength;

    public override int RtcpTagLength => TagLength;

    public override void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, Span<byte> tag)
    {
        Span<byte> nonce = _rtp.Nonce(ssrc, index, stackalloc byte[SaltLength]);
        Span<byte> payload = packet[headerLength..];
        _rtp.Gcm.Encrypt(nonce, payload, payload, tag, packet[..headerLength]);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index, ReadOnlySpan<byte> tag)
    {
        Span<byte> nonce = _rtp.Nonce(ssrc, index, stackalloc byte[SaltLength]);
        Span<byte> payload = packet[headerLength..];
        return _rtp.TryDecrypt(nonce, payload, tag, packet[..headerLength]);
    }

    public override int ProtectRtcp(Span<byte> buffer, int length, uint ssrc, uint index)
    {
        // AAD = the 8 clear bytes || E || SRTCP index; the index word follows the tag on the wire.
        Span<byte> aad = stackalloc byte[RtcpClearHeaderLength + RtcpIndexLength];
        buffer[..RtcpClearHeaderLength].CopyTo(aad);
        WriteFlagAndIndex(aad[RtcpClearHeaderLength..], index);
        Span<byte> nonce = _rtcp.Nonce(ssrc, index, stackalloc byte[SaltLength]);
        Span<byte> payload = buffer[RtcpClearHeaderLength..length];
        _rtcp.Gcm.Encrypt(nonce, payload, payload, buffer.Slice(length, TagLength), aad);
        aad[RtcpClearHeaderLength..].CopyTo(buffer[(length + TagLength)..]);
        return length + TagLength + RtcpIndexLength;
    }

    public override bool UnprotectRtcp(Span<byte> buffer, int length, uint ssrc, uint flagAndIndex)
    {
        int contentEnd = length - RtcpTrailerLength;
        Span<byte> nonce = _rtcp.Nonce(ssrc, flagAndIndex & ~EncryptedFlag, stackalloc byte[SaltLength]);
        Span<byte> tag = stackalloc byte[TagLength];
        buffer.Slice(contentEnd, TagLength).CopyTo(tag);
        if ((flagAndIndex & EncryptedFlag) != 0)
        {
            Span<byte> aad = stackalloc byte[RtcpClearHeaderLength + RtcpIndexLength];
            buffer[..RtcpClearHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpClearHeaderLength..], flagAndIndex);
            return _rtcp.TryDecrypt(nonce, buffer[RtcpClearHeaderLength..contentEnd], tag, aad);
        }

        // Authentication only: the whole packet || E || index is AAD. Moving the index word over the
        // tag makes it one contiguous span without copying the packet.
        BinaryPrimitives.WriteUInt32BigEndian(buffer[contentEnd..], flagAndIndex);
        return _rtcp.TryDecrypt(nonce, [], tag, buffer[..(contentEnd + RtcpIndexLength)]);
    }

    public override uint ReadRtcpFlagAndIndex(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet[^RtcpIndexLength..]);

    public override void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    /// <summary>Session key and salt of SRTP or of SRTCP.</summary>
    private sealed class Direction : IDisposable
    {
        private readonly byte[] _salt;

        public Direction(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
        {
            Gcm = new AesGcm(key, TagLength);
            _salt = salt.ToArray();
        }

        public AesGcm Gcm { get; }

        public static Direction Derive(AesCounterMode master, SrtpKeyingMaterial keys, byte encryptionLabel)
        {
            Span<byte> key = stackalloc byte[KeyLength + SaltLength];
            try
            {
                SrtpCipher.Derive(master, keys, encryptionLabel, key[..KeyLength]);
                SrtpCipher.Derive(master, keys, (byte)(encryptionLabel + 2), key[KeyLength..]);
                return new Direction(key[..KeyLength], key[KeyLength..]);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        /// <summary>
        /// 12-byte IV = salt XOR (0x0000 || SSRC || 48-bit index). For SRTP the index is ROC || SEQ
        /// (RFC 7714 section 8.1); for SRTCP it is 0x0000 || 0 || 31-bit index (section 9.1).
        /// </summary>
        public Span<byte> Nonce(uint ssrc, ulong index, Span<byte> nonce)
        {
            BinaryPrimitives.WriteUInt16BigEndian(nonce, 0);
            BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
            BinaryPrimitives.WriteUInt16BigEndian(nonce[6..], (ushort)(index >> 32));
            BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], (uint)index);
            for (int i = 0; i < SaltLength; i++)
                nonce[i] ^= _salt[i];
            return nonce;
        }

        /// <summary>Decrypts in place; false when the tag does not match.</summary>
        public bool TryDecrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
        {
            // AesGcm reports a mismatch only by throwing; a forged packet costs one caught exception.
            try
            {
                Gcm.Decrypt(nonce, data, tag, data, aad);
                return true;
            }
            catch (AuthenticationTagMismatchException)
            {
                return false;
            }
        }

        public void Dispose() => Gcm.Dispose();
    }
}
