namespace Beryl.Media.Devices;

/// <summary>A sound device as PortAudio reports it.</summary>
/// <param name="Index">PortAudio's device index, to pass to <see cref="PortAudioStream"/>.</param>
/// <param name="Name">The device's name.</param>
/// <param name="HostApi">The audio system it belongs to (ALSA, CoreAudio, WASAPI, …).</param>
/// <param name="MaxInputChannels">Capture channels it offers; 0 for an output-only device.</param>
/// <param name="MaxOutputChannels">Playback channels it offers; 0 for an input-only device.</param>
/// <param name="DefaultSampleRate">The rate it runs at by default, in Hz.</param>
/// <param name="IsDefaultInput">Whether it is the system's default capture device.</param>
/// <param name="IsDefaultOutput">Whether it is the system's default playback device.</param>
public sealed record PortAudioDevice(
    int Index, string Name, string HostApi, int MaxInputChannels, int MaxOutputChannels, double DefaultSampleRate,
    bool IsDefaultInput, bool IsDefaultOutput)
{
    /// <summary>Whether it can capture.</summary>
    public bool HasInput => MaxInputChannels > 0;

    /// <summary>Whether it can play.</summary>
    public bool HasOutput => MaxOutputChannels > 0;
}
