using System.Runtime.InteropServices;
using Beryl.Media.Audio;

namespace Beryl.Media.Devices;

/// <summary>
/// A blocking PortAudio stream (no callback): <see cref="Capture"/> reads the microphone and <see cref="Render"/>
/// plays to the loudspeaker, each from its own thread. The calls block until the device has taken or produced the
/// audio, so the sound card's clock paces the threads that use them. Samples are 32-bit float, interleaved.
/// </summary>
/// <remarks>
/// Read and Write neither allocate nor throw: an overflowed input or underflowed output still moves the audio and
/// is counted; any other device error is counted, a read then returns 0 frames (the source has ended) and a
/// write drops the frame. Dispose only after both threads have stopped using the stream.
/// </remarks>
public sealed unsafe class PortAudioStream : IDisposable
{
    private readonly PortAudioApi _api;
    private nint _stream;
    private bool _initialized;
    private long _inputOverflows, _outputUnderflows, _errors;
    private int _lastError;

    /// <summary>Opens and starts a stream on the given devices.</summary>
    /// <param name="format">Rate and channel count for both directions.</param>
    /// <param name="capture">Open the input side.</param>
    /// <param name="render">Open the output side.</param>
    /// <param name="inputDevice">Device index for capture (see <see cref="PortAudioDevices.List"/>); null for the default.</param>
    /// <param name="outputDevice">Device index for playback; null for the default.</param>
    /// <param name="latency">Buffering to ask the device for; null for the device's default high latency, which suits blocking I/O.</param>
    /// <exception cref="ArgumentException">The format is invalid, or neither direction is asked for.</exception>
    /// <exception cref="PortAudioException">PortAudio is missing, there is no such device, or it refused the format.</exception>
    public PortAudioStream(AudioFormat format, bool capture = true, bool render = true, int? inputDevice = null, int? outputDevice = null, TimeSpan? latency = null)
    {
        format.Validate();
        if (!capture && !render)
            throw new ArgumentException("Open at least one of capture and render.");
        _api = PortAudioLibrary.Api;
        Format = format;
        _api.Open();
        _initialized = true;
        try
        {
            PaStreamParameters input = Parameters(capture, inputDevice ?? _api.GetDefaultInputDevice(), "input", latency);
            PaStreamParameters output = Parameters(render, outputDevice ?? _api.GetDefaultOutputDevice(), "output", latency);
            nint stream;
            _api.Check(_api.OpenStream(&stream, capture ? &input : null, render ? &output : null, format.SampleRate,
                new CULong((uint)format.SamplesPer10Ms), new CULong(0), 0, 0), $"opening a {format} stream");
            _stream = stream;
            _api.Check(_api.StartStream(_stream), "starting the stream");
        }
        catch
        {
            Dispose();
            throw;
        }
        Capture = capture ? new CaptureSide(this) : null;
        Render = render ? new RenderSide(this) : null;
    }

    /// <summary>The stream's rate and channel count.</summary>
    public AudioFormat Format { get; }

    /// <summary>The microphone, or null when the stream has no input. Each read blocks until the device has the audio.</summary>
    public IAudioSource? Capture { get; }

    /// <summary>The loudspeaker, or null when the stream has no output. Each write blocks until the device has room.</summary>
    public IAudioSink? Render { get; }

    /// <summary>Reads that found input lost because they came too late.</summary>
    public long InputOverflows => Volatile.Read(ref _inputOverflows);

    /// <summary>Writes that came too late to avoid a gap in the output.</summary>
    public long OutputUnderflows => Volatile.Read(ref _outputUnderflows);

    /// <summary>Reads and writes that failed outright (device lost, stream stopped).</summary>
    public long Errors => Volatile.Read(ref _errors);

    /// <summary>PortAudio's text for the last outright failure, or null.</summary>
    public string? LastError => _lastError == 0 ? null : _api.ErrorText(_lastError);

    /// <summary>Stops and closes the stream and releases PortAudio. Safe to call twice.</summary>
    public void Dispose()
    {
        if (_stream != 0)
        {
            _api.StopStream(_stream);
            _api.CloseStream(_stream);
            _stream = 0;
        }
        if (_initialized)
        {
            _initialized = false;
            _api.Terminate();
        }
    }

    private PaStreamParameters Parameters(bool wanted, int device, string side, TimeSpan? latency)
    {
        if (!wanted)
            return default;
        PaDeviceInfo* info = device == PortAudioApi.NoDevice ? null : _api.GetDeviceInfo(device);
        if (info is null)
            throw new PortAudioException($"There is no {side} device {(device == PortAudioApi.NoDevice ? "(no default)" : device.ToString())}.");
        return new PaStreamParameters
        {
            Device = device,
            ChannelCount = Format.Channels,
            SampleFormat = new CULong(PortAudioApi.Float32),
            SuggestedLatency = latency?.TotalSeconds ?? (side == "input" ? info->DefaultHighInputLatency : info->DefaultHighOutputLatency),
        };
    }

    /// <summary>Runs one blocking transfer; returns false (and counts the error) when the audio did not move.</summary>
    private bool Transfer(delegate* unmanaged[Cdecl]<nint, void*, CULong, int> call, Span<float> interleaved, ref long glitches, int glitchCode)
    {
        int frames = interleaved.Length / Format.Channels;
        int error;
        fixed (float* samples = interleaved)
            error = call(_stream, samples, new CULong((uint)frames));
        if (error == glitchCode)
            Volatile.Write(ref glitches, glitches + 1);
        else if (error < 0)
        {
            _lastError = error;
            Volatile.Write(ref _errors, _errors + 1);
            return false;
        }
        return true;
    }

    private sealed class CaptureSide(PortAudioStream owner) : IAudioSource
    {
        public AudioFormat Format => owner.Format;

        public int Read(Span<float> interleaved) =>
            owner.Transfer(owner._api.ReadStream, interleaved, ref owner._inputOverflows, PortAudioApi.InputOverflowed)
                ? interleaved.Length / owner.Format.Channels
                : 0;
    }

    private sealed class RenderSide(PortAudioStream owner) : IAudioSink
    {
        public AudioFormat Format => owner.Format;

        // Pa_WriteStream only reads the buffer; the span is cast to share the transfer code with capture.
        public void Write(ReadOnlySpan<float> interleaved) =>
            owner.Transfer(owner._api.WriteStream, MemoryMarshal.CreateSpan(
                ref MemoryMarshal.GetReference(interleaved), interleaved.Length),
                ref owner._outputUnderflows, PortAudioApi.OutputUnderflowed);
    }
}
