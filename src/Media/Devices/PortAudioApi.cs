using System.Runtime.InteropServices;

namespace Beryl.Media.Devices;

/// <summary><c>PaDeviceInfo</c> (struct version 2).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PaDeviceInfo
{
    public int StructVersion;
    public nint Name;
    public int HostApi;
    public int MaxInputChannels;
    public int MaxOutputChannels;
    public double DefaultLowInputLatency;
    public double DefaultLowOutputLatency;
    public double DefaultHighInputLatency;
    public double DefaultHighOutputLatency;
    public double DefaultSampleRate;
}

/// <summary>The head of <c>PaHostApiInfo</c>, up to the name.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PaHostApiInfo
{
    public int StructVersion;
    public int Type;
    public nint Name;
}

/// <summary><c>PaStreamParameters</c>; <c>unsigned long</c> is 4 bytes on Windows and 8 on 64-bit Unix, hence <see cref="CULong"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PaStreamParameters
{
    public int Device;
    public int ChannelCount;
    public CULong SampleFormat;
    public double SuggestedLatency;
    public nint HostApiSpecificStreamInfo;
}

/// <summary>
/// The PortAudio v19 entry points Beryl uses, bound as unmanaged function pointers from a library loaded with
/// <see cref="NativeLibrary.TryLoad(string, out nint)"/>. No DllImport resolver is installed, so other native
/// libraries of the assembly resolve as they would without PortAudio.
/// </summary>
internal sealed unsafe class PortAudioApi
{
    public const int NoDevice = -1;
    public const uint Float32 = 0x1;
    public const int InputOverflowed = -9981;
    public const int OutputUnderflowed = -9980;

    /// <summary>The exports bound by the constructor; a library lacking any of them is not PortAudio v19.</summary>
    public static readonly string[] Exports =
    [
        "Pa_Initialize", "Pa_Terminate", "Pa_GetErrorText", "Pa_GetDeviceCount", "Pa_GetDeviceInfo", "Pa_GetHostApiInfo",
        "Pa_GetDefaultInputDevice", "Pa_GetDefaultOutputDevice", "Pa_OpenStream", "Pa_StartStream", "Pa_StopStream",
        "Pa_CloseStream", "Pa_ReadStream", "Pa_WriteStream",
    ];

    public readonly delegate* unmanaged[Cdecl]<int> Initialize;
    public readonly delegate* unmanaged[Cdecl]<int> Terminate;
    public readonly delegate* unmanaged[Cdecl]<int, nint> GetErrorText;
    public readonly delegate* unmanaged[Cdecl]<int> GetDeviceCount;
    public readonly delegate* unmanaged[Cdecl]<int, PaDeviceInfo*> GetDeviceInfo;
    public readonly delegate* unmanaged[Cdecl]<int, PaHostApiInfo*> GetHostApiInfo;
    public readonly delegate* unmanaged[Cdecl]<int> GetDefaultInputDevice;
    public readonly delegate* unmanaged[Cdecl]<int> GetDefaultOutputDevice;
    public readonly delegate* unmanaged[Cdecl]<nint*, PaStreamParameters*, PaStreamParameters*, double, CULong, CULong, nint, nint, int> OpenStream;
    public readonly delegate* unmanaged[Cdecl]<nint, int> StartStream;
    public readonly delegate* unmanaged[Cdecl]<nint, int> StopStream;
    public readonly delegate* unmanaged[Cdecl]<nint, int> CloseStream;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, CULong, int> ReadStream;
    public readonly delegate* unmanaged[Cdecl]<nint, void*, CULong, int> WriteStream;

    /// <summary>Binds every entry of <see cref="Exports"/>, in order, from <paramref name="exports"/>.</summary>
    public PortAudioApi(IReadOnlyList<nint> exports)
    {
        int i = 0;
        Initialize = (delegate* unmanaged[Cdecl]<int>)exports[i++];
        Terminate = (delegate* unmanaged[Cdecl]<int>)exports[i++];
        GetErrorText = (delegate* unmanaged[Cdecl]<int, nint>)exports[i++];
        GetDeviceCount = (delegate* unmanaged[Cdecl]<int>)exports[i++];
        GetDeviceInfo = (delegate* unmanaged[Cdecl]<int, PaDeviceInfo*>)exports[i++];
        GetHostApiInfo = (delegate* unmanaged[Cdecl]<int, PaHostApiInfo*>)exports[i++];
        GetDefaultInputDevice = (delegate* unmanaged[Cdecl]<int>)exports[i++];
        GetDefaultOutputDevice = (delegate* unmanaged[Cdecl]<int>)exports[i++];
        OpenStream = (delegate* unmanaged[Cdecl]<nint*, PaStreamParameters*, PaStreamParameters*, double, CULong, CULong, nint, nint, int>)exports[i++];
        StartStream = (delegate* unmanaged[Cdecl]<nint, int>)exports[i++];
        StopStream = (delegate* unmanaged[Cdecl]<nint, int>)exports[i++];
        CloseStream = (delegate* unmanaged[Cdecl]<nint, int>)exports[i++];
        ReadStream = (delegate* unmanaged[Cdecl]<nint, void*, CULong, int>)exports[i++];
        WriteStream = (delegate* unmanaged[Cdecl]<nint, void*, CULong, int>)exports[i];
    }

    /// <summary>Throws a <see cref="PortAudioException"/> naming <paramref name="what"/> when <paramref name="error"/> is negative.</summary>
    public void Check(int error, string what)
    {
        if (error < 0)
            throw new PortAudioException($"PortAudio {what} failed: {ErrorText(error)} ({error}).", error);
    }

    /// <summary>PortAudio's description of an error code.</summary>
    public string ErrorText(int error) => Marshal.PtrToStringUTF8(GetErrorText(error)) ?? "unknown error";

    /// <summary>Calls <c>Pa_Initialize</c>; every successful call must be matched by <see cref="Terminate"/>.</summary>
    public void Open() => Check(Initialize(), "initialisation");
}
