namespace Beryl.Media.Stun;

/// <summary>CRC-32 (ISO 3309 / IEEE 802.3, reflected 0xEDB88320) for FINGERPRINT, incremental so the length field can be patched without copying the message.</summary>
internal static class StunCrc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>Starting state; finish with <see cref="Finish"/>.</summary>
    public const uint Initial = 0xFFFFFFFFu;

    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
            state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
        return state;
    }

    public static uint Finish(uint state) => ~state;
}
