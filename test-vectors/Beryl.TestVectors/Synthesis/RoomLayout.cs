using Beryl.TestVectors.Dsp;

namespace Beryl.TestVectors.Synthesis;

/// <summary>Positions of loudspeakers, microphones and the near-end talker in a room.</summary>
/// <param name="Preset">The preset it was drawn from.</param>
/// <param name="Room">Room size.</param>
/// <param name="Speakers">Loudspeaker positions (one per render channel).</param>
/// <param name="Mics">Microphone positions (one per capture channel).</param>
/// <param name="Talker">Near-end talker's mouth position.</param>
/// <param name="SpeakerHighPassHz">Loudspeaker low-frequency cut-off.</param>
public sealed record RoomLayout(RoomPreset Preset, ShoeboxRoom Room, IReadOnlyList<Point3> Speakers, IReadOnlyList<Point3> Mics,
    Point3 Talker, double SpeakerHighPassHz)
{
    /// <summary>Draws a randomised layout of <paramref name="preset"/>.</summary>
    public static RoomLayout Create(RoomPreset preset, int speakers, int mics, DeterministicRandom rng)
    {
        double J(double v, double rel = 0.08) => v * rng.Uniform(1 - rel, 1 + rel);
        (ShoeboxRoom room, Point3 device, double spkSpacing, double micSpacing, Point3 spkOffset, Point3 micOffset, double talkerDist, double hpf) = preset switch
        {
            RoomPreset.OfficeSmallLaptop => (new ShoeboxRoom(J(3.6), J(4.5), J(2.8, 0.04)), new Point3(J(1.6), J(2.0), 0.75), 0.28, 0.08,
                new Point3(0, 0, 0.02), new Point3(0, 0.12, 0.24), rng.Uniform(0.5, 0.8), 180.0),
            RoomPreset.MeetingSpeakerphone => (new ShoeboxRoom(J(6.2), J(5.0), J(3.0, 0.04)), new Point3(J(3.0), J(2.4), 0.76), 0.12, 0.1,
                new Point3(0, 0, 0.04), new Point3(0.07, 0.0, 0.03), rng.Uniform(1.0, 2.0), 150.0),
            RoomPreset.PhoneOnTable => (new ShoeboxRoom(J(4.0), J(3.8), J(2.6, 0.04)), new Point3(J(1.8), J(1.7), 0.76), 0.06, 0.12,
                new Point3(0, -0.06, 0.005), new Point3(0, 0.06, 0.005), rng.Uniform(0.6, 1.0), 350.0),
            RoomPreset.LivingRoomTv => (new ShoeboxRoom(J(5.9), J(4.6), J(2.4, 0.04)), new Point3(J(2.9), 0.35, 0.9), 0.8, 0.2,
                new Point3(0, 0, 0), new Point3(0, 0.02, 0.45), rng.Uniform(2.5, 3.0), 70.0),
            _ => (new ShoeboxRoom(J(9.0), J(7.0), J(3.6, 0.04)), new Point3(J(4.0), J(3.0), 0.8), 0.3, 0.1,
                new Point3(0, 0, 0), new Point3(0.3, 0.35, 0.15), rng.Uniform(1.5, 2.5), 100.0),
        };
        var spk = new List<Point3>();
        for (int s = 0; s < speakers; s++)
        {
            double dx = speakers == 1 ? 0 : (s == 0 ? -0.5 : 0.5) * spkSpacing;
            spk.Add(room.Clamp(device + spkOffset + new Point3(dx, 0, 0)));
        }
        var mic = new List<Point3>();
        for (int m = 0; m < mics; m++)
        {
            double dx = mics == 1 ? 0 : (m == 0 ? -0.5 : 0.5) * micSpacing;
            mic.Add(room.Clamp(device + micOffset + new Point3(dx, 0, 0)));
        }
        double angle = rng.Uniform(-0.6, 0.6) + Math.PI / 2;
        var talker = room.Clamp(new Point3(device.X + talkerDist * Math.Cos(angle), device.Y + talkerDist * Math.Sin(angle), rng.Uniform(1.15, 1.35)), 0.3);
        return new RoomLayout(preset, room, spk, mic, talker, hpf);
    }

    /// <summary>
    /// The same room with the device (loudspeakers and mics together) moved by 0.4-0.9 m and rotated
    /// about the vertical axis by 20-70 degrees (for an echo path change).
    /// </summary>
    public RoomLayout MoveDevice(DeterministicRandom rng)
    {
        var all = Speakers.Concat(Mics).ToList();
        double cx = all.Average(p => p.X), cy = all.Average(p => p.Y);
        double dist = rng.Uniform(0.4, 0.9), dir = rng.Uniform(0, 2 * Math.PI);
        double rot = rng.Uniform(20, 70) * Math.PI / 180 * (rng.Chance(0.5) ? 1 : -1);
        Point3 Move(Point3 p)
        {
            double x = p.X - cx, y = p.Y - cy;
            double xr = x * Math.Cos(rot) - y * Math.Sin(rot), yr = x * Math.Sin(rot) + y * Math.Cos(rot);
            return Room.Clamp(new Point3(cx + xr + dist * Math.Cos(dir), cy + yr + dist * Math.Sin(dir), p.Z));
        }
        return this with { Speakers = Speakers.Select(Move).ToArray(), Mics = Mics.Select(Move).ToArray() };
    }
}
