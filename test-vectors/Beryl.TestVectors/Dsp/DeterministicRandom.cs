namespace Beryl.TestVectors.Dsp;

/// <summary>
/// Small, fast, seedable pseudo-random generator (xoshiro256** seeded by SplitMix64) whose
/// sequence is fixed by this code alone, so renders are reproducible across runtimes.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public DeterministicRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Creates a generator from a seed and a stream name, so sub-components get independent streams.</summary>
    public DeterministicRandom(long seed, string stream) : this(Mix((ulong)seed, stream)) { }

    /// <summary>Derives an independent child generator for the named stream.</summary>
    public DeterministicRandom Fork(string stream) => new(Mix(NextUInt64(), stream));

    /// <summary>Next raw 64-bit value.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotL(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotL(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double in [min, max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, max).</summary>
    public int NextInt(int min, int max)
    {
        if (max <= min) return min;
        return min + (int)(NextUInt64() % (ulong)(max - min));
    }

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal deviate (Box-Muller).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareGaussian = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Picks one element uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(0, items.Count)];

    private static ulong Mix(ulong seed, string stream)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in stream)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        ulong x = seed ^ h;
        return SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));
}
