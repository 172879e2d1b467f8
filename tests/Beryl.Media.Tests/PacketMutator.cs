namespace Beryl.Media.Tests;

/// <summary>Seeded damage to valid packets: bit flips, overwritten bytes, truncation, extension, insertion.</summary>
internal static class PacketMutator
{
    /// <summary>A copy of <paramref name="packet"/> with one byte changed.</summary>
    public static byte[] With(byte[] packet, int index, byte value)
    {
        var copy = (byte[])packet.Clone();
        copy[index] = value;
        return copy;
    }

    public static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = new List<byte>(original);
        int operations = random.Next(1, 4);
        for (int op = 0; op < operations; op++)
        {
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    int bit = random.Next(bytes.Count * 8);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 2:
                    int keep = random.Next(bytes.Count + 1);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                case 3:
                    for (int i = random.Next(1, 40); i > 0; i--)
                        bytes.Add((byte)random.Next(256));
                    break;
                case 4:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 5 when bytes.Count > 0:
                    // RTP's CSRC count, extension profile and extension length sit in the first 16 bytes.
                    bytes[random.Next(Math.Min(bytes.Count, 16))] = (byte)random.Next(256);
                    break;
                default:
                    // Lengths and counts live in the first bytes; hit them more often.
                    if (bytes.Count > 0)
                        bytes[random.Next(Math.Min(bytes.Count, 4))] = (byte)random.Next(256);
                    break;
            }
        }

        return bytes.ToArray();
    }
}
