namespace Beryl.TestVectors.Synthesis;

/// <summary>A point in a room, metres.</summary>
public readonly record struct Point3(double X, double Y, double Z)
{
    /// <summary>Euclidean distance.</summary>
    public double DistanceTo(Point3 o)
    {
        double dx = X - o.X, dy = Y - o.Y, dz = Z - o.Z;
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    /// <summary>Component-wise sum.</summary>
    public static Point3 operator +(Point3 a, Point3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);
}

/// <summary>Rectangular room, metres.</summary>
public sealed record ShoeboxRoom(double Lx, double Ly, double Lz)
{
    /// <summary>Volume, m^3.</summary>
    public double Volume => Lx * Ly * Lz;

    /// <summary>Total wall/floor/ceiling area, m^2.</summary>
    public double Surface => 2 * (Lx * Ly + Lx * Lz + Ly * Lz);

    /// <summary>True if <paramref name="p"/> is inside with at least <paramref name="margin"/> to every wall.</summary>
    public bool Contains(Point3 p, double margin = 0.1)
        => p.X >= margin && p.X <= Lx - margin && p.Y >= margin && p.Y <= Ly - margin && p.Z >= margin && p.Z <= Lz - margin;

    /// <summary>Moves <paramref name="p"/> inside the room, <paramref name="margin"/> from the walls.</summary>
    public Point3 Clamp(Point3 p, double margin = 0.1)
        => new(Math.Clamp(p.X, margin, Lx - margin), Math.Clamp(p.Y, margin, Ly - margin), Math.Clamp(p.Z, margin, Lz - margin));
}
