using System.Runtime.InteropServices;

namespace Beryl.Media.Devices;

/// <summary>Lists the sound devices PortAudio can see.</summary>
public static class PortAudioDevices
{
    /// <summary>Every device, in PortAudio's order (possibly none on a machine without sound hardware).</summary>
    /// <exception cref="PortAudioException">PortAudio is missing (the message names the package) or cannot start.</exception>
    public static unsafe IReadOnlyList<PortAudioDevice> List()
    {
        PortAudioApi api = PortAudioLibrary.Api;
        api.Open();
        try
        {
            int count = api.GetDeviceCount();
            api.Check(count, "device enumeration");
            int defaultInput = api.GetDefaultInputDevice(), defaultOutput = api.GetDefaultOutputDevice();
            var devices = new List<PortAudioDevice>(count);
            for (int i = 0; i < count; i++)
            {
                PaDeviceInfo* info = api.GetDeviceInfo(i);
                if (info is null)
                    continue;
                PaHostApiInfo* host = api.GetHostApiInfo(info->HostApi);
                devices.Add(new PortAudioDevice(
                    i, Marshal.PtrToStringUTF8(info->Name) ?? $"device {i}",
                    host is null ? "" : Marshal.PtrToStringUTF8(host->Name) ?? "",
                    info->MaxInputChannels, info->MaxOutputChannels, info->DefaultSampleRate,
                    i == defaultInput, i == defaultOutput));
            }
            return devices;
        }
        finally
        {
            api.Terminate();
        }
    }
}
