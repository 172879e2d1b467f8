using Beryl.Aec;
using Beryl.Media.Audio;
using Beryl.Media.Codecs;
using Beryl.Media.Resampling;

namespace Beryl.Media.Engine;

/// <summary>
/// The send half of a call, one 10 ms microphone frame at a time: rate conversion to the echo canceller, echo
/// cancellation, conversion to the encoder's rate and channels, packetisation and encoding. Runs on the capture thread;
/// allocates nothing after construction.
/// </summary>
internal sealed class CapturePath
{
    private readonly AudioFormat _microphone;
    private readonly EchoCanceller? _canceller;
    private readonly IAudioEncoder _encoder;
    private readonly AudioPayloadSender _send;
    private readonly Resampler _toCanceller, _toEncoder;
    private readonly float[] _cancellerInput, _cancellerOutput, _encoderChannels, _packet;
    private readonly byte[] _payload = new byte[1500];
    private readonly int _processingFrames;
    private int _packetFrames;
    private long _packetsSent, _packetsSuppressed, _sendFailures;

    public CapturePath(AudioFormat microphone, EchoCanceller? canceller, IAudioEncoder encoder, AudioPayloadSender send)
    {
        int processingRate = canceller?.Options.SampleRate ?? microphone.SampleRate;
        var encoderFormat = encoder.Format;
        if (encoder.FrameSize % encoderFormat.SamplesPer10Ms != 0)
            throw new ArgumentException($"the encoder's frame of {encoder.FrameSize} samples is not a whole number of 10 ms frames", nameof(encoder));
        _microphone = microphone;
        _canceller = canceller;
        _encoder = encoder;
        _send = send;
        _processingFrames = processingRate / 100;
        _toCanceller = new Resampler(microphone.SampleRate, processingRate, microphone.Channels);
        _toEncoder = new Resampler(processingRate, encoderFormat.SampleRate, encoderFormat.Channels);
        _cancellerInput = new float[_processingFrames * microphone.Channels];
        _cancellerOutput = new float[_cancellerInput.Length];
        _encoderChannels = new float[_processingFrames * encoderFormat.Channels];
        _packet = new float[encoder.FrameSize * encoderFormat.Channels];
    }

    public long PacketsSent => Volatile.Read(ref _packetsSent);

    public long PacketsSuppressed => Volatile.Read(ref _packetsSuppressed);

    public long SendFailures => Volatile.Read(ref _sendFailures);

    /// <summary>Processes one 10 ms microphone frame; sends a packet each time the encoder's frame is full.</summary>
    public void ProcessFrame(ReadOnlySpan<float> microphone)
    {
        _toCanceller.Process(microphone, _cancellerInput);
        if (_canceller is null)
            _cancellerInput.CopyTo(_cancellerOutput, 0);
        else
            _canceller.ProcessCapture(_cancellerInput, _cancellerOutput);

        int encoderChannels = _encoder.Format.Channels;
        ChannelMixer.Convert(_cancellerOutput, _microphone.Channels, _encoderChannels, encoderChannels, _processingFrames);
        _packetFrames += _toEncoder.Process(_encoderChannels, _packet.AsSpan(_packetFrames * encoderChannels));
        if (_packetFrames < _encoder.FrameSize)
            return;
        _packetFrames = 0;

        int length = _encoder.Encode(_packet, _payload);
        if (length == 0)
            Volatile.Write(ref _packetsSuppressed, _packetsSuppressed + 1);
        if (_send(_encoder.TimestampIncrement, _payload.AsSpan(0, length)))
        {
            if (length > 0)
                Volatile.Write(ref _packetsSent, _packetsSent + 1);
        }
        else
        {
            Volatile.Write(ref _sendFailures, _sendFailures + 1);
        }
    }
}
