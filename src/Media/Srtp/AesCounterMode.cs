using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Beryl.Media.Srtp;

/// <summary>
/// AES counter mode (RFC 3711 section 4.1.1) on one key: counter blocks are encrypted in batches through a
/// reusable ECB transform. <c>Aes.EncryptEcb</c> would
/// allocate a native cipher context per call; the transform and both batch buffers are allocated once.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    public const int BlockSize = 16;

    // 64 blocks cover a 1 KiB payload in one native call; larger payloads take several.
    private const int BatchBytes = 64 * BlockSize;

    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[BatchBytes];
    private readonly byte[] _keystream = new byte[BatchBytes];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        byte[] keyCopy = key.ToArray();
        try
        {
            using var aes = Aes.Create();
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            _ecb = aes.CreateEncryptor(keyCopy, null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyCopy);
        }
    }

    /// <summary>
    /// XORs <paramref name="data"/> with the keystream whose first counter block is <paramref name="initialCounter"/>;
    /// the low 32 bits of the counter count blocks (a packet never needs more than 2^16 of them).
    /// </summary>
    public void Apply(ReadOnlySpan<byte> initialCounter, Span<byte> data)
    {
        uint counter = BinaryPrimitives.ReadUInt32BigEndian(initialCounter[12..]);
        ReadOnlySpan<byte> prefix = initialCounter[..12];
        for (int offset = 0; offset < data.Length; offset += BatchBytes)
        {
            int bytes = Math.Min(BatchBytes, data.Length - offset);
            int batchLength = (bytes + BlockSize - 1) & ~(BlockSize - 1);
            for (int block = 0; block < batchLength; block += BlockSize)
            {
                prefix.CopyTo(_counters.AsSpan(block));
                BinaryPrimitives.WriteUInt32BigEndian(_counters.AsSpan(block + 12), counter++);
            }

            _ecb.TransformBlock(_counters, 0, batchLength, _keystream, 0);
            Xor(data.Slice(offset, bytes), _keystream);
        }
    }

    public void Dispose() => _ecb.Dispose();

    /// <summary><paramref name="data"/> ^= <paramref name="keystream"/> over the length of <paramref name="data"/>.</summary>
    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        ref byte d = ref MemoryMarshal.GetReference(data);
        ref byte k = ref MemoryMarshal.GetReference(keystream);
        int i = 0;
        for (; i + Vector128<byte>.Count <= data.Length; i += Vector128<byte>.Count)
        {
            var v = Vector128.LoadUnsafe(ref d, (nuint)i) ^ Vector128.LoadUnsafe(ref k, (nuint)i);
            v.StoreUnsafe(ref d, (nuint)i);
        }

        for (; i < data.Length; i++)
            Unsafe.Add(ref d, i) ^= Unsafe.Add(ref k, i);
    }
}
