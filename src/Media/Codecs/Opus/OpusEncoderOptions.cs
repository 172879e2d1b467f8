namespace Beryl.Media.Codecs.Opus;

/// <summary>Settings of an <see cref="OpusEncoder"/>; the defaults suit a voice call.</summary>
public sealed record OpusEncoderOptions
{
    /// <summary>Target bits per second, 6000..510000 (32 kbit/s by default: wideband speech with room for FEC).</summary>
    public int Bitrate { get; init; } = 32_000;

    /// <summary>Computational effort 0..10; higher sounds better and costs more CPU.</summary>
    public int Complexity { get; init; } = 9;

    /// <summary>Carry a low-bitrate copy of each frame in the next packet, so the receiver can rebuild one lost packet.</summary>
    public bool InbandFec { get; init; } = true;

    /// <summary>Expected packet loss 0..100 %; the encoder spends bits on FEC only when this is above zero.</summary>
    public int PacketLossPercent { get; init; } = 10;

    /// <summary>Discontinuous transmission: during silence <see cref="OpusEncoder.Encode"/> returns 0 (nothing to send) most of the time.</summary>
    public bool Dtx { get; init; }

    /// <summary>Speech or general audio tuning.</summary>
    public OpusApplication Application { get; init; } = OpusApplication.Voip;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a value is outside its range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Bitrate, 6000, nameof(Bitrate));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Bitrate, 510_000, nameof(Bitrate));
        ArgumentOutOfRangeException.ThrowIfNegative(Complexity, nameof(Complexity));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Complexity, 10, nameof(Complexity));
        ArgumentOutOfRangeException.ThrowIfNegative(PacketLossPercent, nameof(PacketLossPercent));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PacketLossPercent, 100, nameof(PacketLossPercent));
        if (!Enum.IsDefined(Application))
            throw new ArgumentOutOfRangeException(nameof(Application), Application, "unknown Opus application");
    }
}
