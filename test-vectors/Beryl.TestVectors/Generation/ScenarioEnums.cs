namespace Beryl.TestVectors;

/// <summary>Loudspeaker nonlinearity applied to the far-end signal before the echo path.</summary>
public enum Nonlinearity
{
    /// <summary>Linear loudspeaker ("none").</summary>
    None,

    /// <summary>Hard clipping at a level re the far-end active level ("hard_clip").</summary>
    HardClip,

    /// <summary>Soft saturation y = L tanh(x / L) ("soft_tanh").</summary>
    SoftTanh,
}

/// <summary>Kind of far-end (render) signal.</summary>
public enum FarSource
{
    /// <summary>Speech (one talker, or two panned talkers with stereo render).</summary>
    Speech,

    /// <summary>Music (chords, melody, bass and percussion).</summary>
    Music,
}

/// <summary>Kind of near-end background noise (used when the SNR is set).</summary>
public enum NoiseKind
{
    /// <summary>Stationary coloured noise (fan/ventilation/machine-like).</summary>
    Stationary,

    /// <summary>Babble: several reverberant background talkers.</summary>
    Babble,
}

/// <summary>Room and device layout used to synthesise the echo and near-end paths.</summary>
public enum RoomPreset
{
    /// <summary>Small office, laptop: loudspeaker ~0.18 m from the mic, strong speaker high-pass.</summary>
    OfficeSmallLaptop,

    /// <summary>Meeting room, speakerphone on the table: loudspeaker ~0.08 m from the mic.</summary>
    MeetingSpeakerphone,

    /// <summary>Phone lying on a table, hands-free: tiny loudspeaker ~0.1 m from the mic.</summary>
    PhoneOnTable,

    /// <summary>Living room, TV with two loudspeakers ~0.6 m from the mics.</summary>
    LivingRoomTv,

    /// <summary>Large reverberant room (hall-like), loudspeaker ~0.5 m from the mic.</summary>
    ReverberantRoom,
}

/// <summary>Spelling of the enums in meta.json.</summary>
public static class ScenarioNames
{
    /// <summary>"none", "hard_clip" or "soft_tanh".</summary>
    public static string ToJsonName(this Nonlinearity nl) => nl switch
    {
        Nonlinearity.HardClip => "hard_clip",
        Nonlinearity.SoftTanh => "soft_tanh",
        _ => "none",
    };

    /// <summary>Parses a meta.json nonlinearity name (unknown names give <see cref="Nonlinearity.None"/>).</summary>
    public static Nonlinearity ParseNonlinearity(string? name) => name switch
    {
        "hard_clip" => Nonlinearity.HardClip,
        "soft_tanh" => Nonlinearity.SoftTanh,
        _ => Nonlinearity.None,
    };

    /// <summary>snake_case name of a room preset, e.g. "office_small_laptop".</summary>
    public static string ToJsonName(this RoomPreset room) => room switch
    {
        RoomPreset.OfficeSmallLaptop => "office_small_laptop",
        RoomPreset.MeetingSpeakerphone => "meeting_speakerphone",
        RoomPreset.PhoneOnTable => "phone_on_table",
        RoomPreset.LivingRoomTv => "living_room_tv",
        _ => "reverberant_room",
    };
}
