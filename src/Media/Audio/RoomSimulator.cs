using System.Numerics;

namespace Beryl.Media.Audio;

/// <summary>
/// A simulated room: a loudspeaker the far end's audio is played into and a microphone that hears it back as
/// echo, together with a near-end talker and background noise. The echo is the speaker signal soft-clipped
/// (<see cref="RoomSimulatorOptions.DistortionDrive"/>), re-timed to a drifting clock
/// (<see cref="RoomSimulatorOptions.DriftPpm"/>), convolved with the room's impulse response and delayed by
/// <see cref="RoomSimulatorOptions.Delay"/>.
/// </summary>
/// <remarks>
/// <see cref="Speaker"/> is written by a render thread and <see cref="Microphone"/> read by a capture thread,
/// concurrently, without locks or allocation. Both start at sample position 0: the first speaker sample is
/// played at time 0, and microphone sample q holds the echo of the speaker samples up to q − delay. The speaker
/// samples cross over through a lock-free ring indexed by absolute position. When the capture side needs samples
/// the render side has not written yet, it uses silence and counts an underrun (the late samples are dropped when
/// they come); when the render side runs more than the ring ahead, its excess samples are dropped and counted as
/// an overrun. The convolution (uniformly partitioned overlap-save) runs on the capture thread, one block at a
/// time, so the capture side needs the speaker samples up to the end of the echo block it is producing (10 ms at the
/// usual rates, 256 samples at the others) plus, when drifting, 8 samples for the interpolator.
/// </remarks>
public sealed class RoomSimulator
{
    private const int MaxImpulseSeconds = 2;
    private const double MaxDriftPpm = 1000;

    private readonly AudioFormat _format;
    private readonly SpeakerRing _ring;
    private readonly PartitionedConvolver _convolver;
    private readonly int _block;
    private readonly long _delay;
    private readonly double _clockRatio;
    private readonly float _drive;
    private readonly float _noiseRms;
    private readonly Random _random;
    private readonly IAudioSource? _nearEnd;
    private readonly IAudioSink? _echoTruth, _nearEndTruth, _noiseTruth;

    // Capture-thread state.
    private readonly float[] _history;
    private readonly int _historyMask;
    private readonly float[] _drifted, _echoBlock;
    private readonly float[] _echo, _near, _noise;
    private long _pulled;
    private long _echoBlockStart;
    private int _echoIndex;
    private long _micPosition;

    private long _speakerFrames;
    private long _underruns;

    /// <summary>Builds the room; everything the audio threads need is allocated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range, or a near-end source or truth sink is not mono at the room's rate.</exception>
    public RoomSimulator(RoomSimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _format = new AudioFormat(options.SampleRate, 1);
        _format.Validate();
        int rate = options.SampleRate;
        if (options.Delay < TimeSpan.Zero || options.Delay > TimeSpan.FromSeconds(MaxImpulseSeconds))
            throw new ArgumentException($"The delay must be 0..{MaxImpulseSeconds} s, not {options.Delay}.", nameof(options));
        if (options.MaxRenderLead < TimeSpan.Zero || options.MaxRenderLead > TimeSpan.FromSeconds(10))
            throw new ArgumentException($"The render lead must be 0..10 s, not {options.MaxRenderLead}.", nameof(options));
        if (!(Math.Abs(options.DriftPpm) <= MaxDriftPpm))
            throw new ArgumentException($"The drift must be within ±{MaxDriftPpm} ppm, not {options.DriftPpm}.", nameof(options));
        if (!(options.DistortionDrive is >= 0 and <= 100))
            throw new ArgumentException($"The distortion drive must be 0..100, not {options.DistortionDrive}.", nameof(options));
        if (!double.IsFinite(options.EchoGainDb) || (options.NoiseLevelDb is double noise && !double.IsFinite(noise)))
            throw new ArgumentException("The echo gain and noise level must be finite.", nameof(options));
        RequireRoomFormat(options.NearEnd?.Format, "near-end source");
        RequireRoomFormat(options.EchoTruth?.Format, "echo truth sink");
        RequireRoomFormat(options.NearEndTruth?.Format, "near-end truth sink");
        RequireRoomFormat(options.NoiseTruth?.Format, "noise truth sink");

        float[] response = options.ImpulseResponse ?? SyntheticImpulseResponse(rate, options.Rt60Seconds, options.Seed);
        if (response.Length == 0 || response.Length > MaxImpulseSeconds * rate)
            throw new ArgumentException($"The impulse response must hold 1..{MaxImpulseSeconds * rate} samples ({MaxImpulseSeconds} s), not {response.Length}.", nameof(options));
        if (!response.All(float.IsFinite))
            throw new ArgumentException("The impulse response holds a NaN or infinite sample.", nameof(options));
        float gain = (float)Math.Pow(10, options.EchoGainDb / 20);
        ImpulseResponseLength = response.Length;

        _block = PartitionedConvolver.ChooseBlockSize(_format.SamplesPer10Ms);
        _convolver = new PartitionedConvolver(response.Select(h => h * gain).ToArray(), _block);
        _delay = (long)Math.Round(options.Delay.TotalSeconds * rate);
        _clockRatio = 1 + options.DriftPpm * 1e-6;
        _drive = (float)options.DistortionDrive;
        _noiseRms = options.NoiseLevelDb is double db ? (float)Math.Pow(10, db / 20) : 0f;
        _random = new Random(options.Seed);
        _nearEnd = options.NearEnd;
        _echoTruth = options.EchoTruth;
        _nearEndTruth = options.NearEndTruth;
        _noiseTruth = options.NoiseTruth;

        long lead = (long)Math.Round(options.MaxRenderLead.TotalSeconds * rate);
        _ring = new SpeakerRing((int)(_delay + lead + 2 * _block + DriftInterpolator.Taps));
        int historySize = (int)BitOperations.RoundUpToPowerOf2((uint)(4 * (_block + DriftInterpolator.Taps)));
        _history = new float[historySize];
        _historyMask = historySize - 1;
        _drifted = new float[_block];
        _echoBlock = new float[_block];
        _echoIndex = _block;
        _echo = new float[_block];
        _near = new float[_block];
        _noise = new float[_block];

        Speaker = new SpeakerSide(this);
        Microphone = new MicrophoneSide(this);
    }

    /// <summary>The loudspeaker (mono, <see cref="RoomSimulatorOptions.SampleRate"/>): the render thread writes the far end's audio here.</summary>
    public IAudioSink Speaker { get; }

    /// <summary>The microphone (mono, same rate): the capture thread reads echo + near end + noise here. It never ends.</summary>
    public IAudioSource Microphone { get; }

    /// <summary>The configured delay in samples.</summary>
    public long DelaySamples => _delay;

    /// <summary>Taps of the impulse response in use.</summary>
    public int ImpulseResponseLength { get; }

    /// <summary>The counters so far; safe to read from any thread.</summary>
    public RoomSimulatorStatistics Statistics => new(
        Volatile.Read(ref _speakerFrames), Volatile.Read(ref _micPosition), Volatile.Read(ref _underruns),
        _ring.Overruns, _ring.DroppedSamples);

    /// <summary>
    /// A seeded synthetic room response, <paramref name="rt60Seconds"/> long: a direct path of amplitude 1 at
    /// tap 0, a Gaussian noise tail decaying by 60 dB over <paramref name="rt60Seconds"/> and carrying half the
    /// direct path's energy, and six early reflections (amplitude 0.2..0.6) added in the first 20 ms.
    /// </summary>
    /// <param name="sampleRate">Hz, 8000..192000.</param>
    /// <param name="rt60Seconds">Reverberation time, 0 &lt; RT60 ≤ 2 s.</param>
    /// <param name="seed">The same seed gives the same response.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate or RT60 is out of range.</exception>
    public static float[] SyntheticImpulseResponse(int sampleRate, double rt60Seconds, int seed)
    {
        if (sampleRate is < 8000 or > 192_000)
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The rate must be 8000..192000 Hz.");
        if (!(rt60Seconds > 0 && rt60Seconds <= MaxImpulseSeconds))
            throw new ArgumentOutOfRangeException(nameof(rt60Seconds), rt60Seconds, $"RT60 must be in (0, {MaxImpulseSeconds}] s.");

        var random = new Random(seed);
        int length = Math.Max(2, (int)Math.Ceiling(rt60Seconds * sampleRate));
        // 60 dB of amplitude decay over RT60: exp(-ln(1000) t / RT60).
        double decayPerSample = Math.Log(1000) / (rt60Seconds * sampleRate);
        var tail = new double[length];
        double energy = 0;
        for (int i = 1; i < length; i++)
        {
            tail[i] = Gaussian(random) * Math.Exp(-decayPerSample * i);
            energy += tail[i] * tail[i];
        }

        var response = new float[length];
        double scale = Math.Sqrt(0.5 / energy);
        for (int i = 1; i < length; i++)
            response[i] = (float)(tail[i] * scale);
        response[0] = 1f;
        int earliest = sampleRate / 1000, latest = Math.Min(length - 1, sampleRate / 50);
        for (int r = 0; r < 6 && earliest < latest; r++)
        {
            int tap = random.Next(earliest, latest);
            double amplitude = (0.2 + 0.4 * random.NextDouble()) * Math.Exp(-decayPerSample * tap);
            response[tap] += (float)(random.Next(2) == 0 ? amplitude : -amplitude);
        }
        return response;
    }

    /// <summary>Reads an impulse response from the first channel of a WAV file recorded at the room's rate.</summary>
    /// <param name="path">The WAV file.</param>
    /// <param name="sampleRate">The rate of the room; the file must have it (no resampling is done).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WavFormatException">The file is not a readable WAV file, is empty, or has another rate.</exception>
    public static float[] LoadImpulseResponse(string path, int sampleRate)
    {
        float[][] channels = WavReader.ReadAllChannels(path, out WavFormat format);
        if (format.SampleRate != sampleRate)
            throw new WavFormatException(path, $"the impulse response is at {format.SampleRate} Hz but the room runs at {sampleRate} Hz; resample it first");
        if (channels[0].Length == 0)
            throw new WavFormatException(path, "the impulse response holds no samples");
        return channels[0];
    }

    private void RequireRoomFormat(AudioFormat? format, string what)
    {
        if (format is AudioFormat f && f != _format)
            throw new ArgumentException($"The {what} is {f}, but the room is {_format}.");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private void WriteSpeaker(ReadOnlySpan<float> samples)
    {
        _ring.Write(samples);
        Volatile.Write(ref _speakerFrames, _speakerFrames + samples.Length);
    }

    private int ReadMicrophone(Span<float> mic)
    {
        for (int done = 0; done < mic.Length; done += _block)
        {
            int n = Math.Min(_block, mic.Length - done);
            Span<float> echo = _echo.AsSpan(0, n), near = _near.AsSpan(0, n), noise = _noise.AsSpan(0, n);
            FillEcho(echo);
            int talked = _nearEnd?.Read(near) ?? 0;
            near[talked..].Clear();
            noise.Clear();
            for (int i = 0; _noiseRms > 0 && i < n; i++)
                noise[i] = _noiseRms * (float)Gaussian(_random);

            Span<float> output = mic.Slice(done, n);
            for (int i = 0; i < n; i++)
                output[i] = echo[i] + near[i] + noise[i];
            _echoTruth?.Write(echo);
            _nearEndTruth?.Write(near);
            _noiseTruth?.Write(noise);
            Volatile.Write(ref _micPosition, _micPosition + n);
        }
        return mic.Length;
    }

    /// <summary>Echo for the next microphone samples: silence until the delay has passed, then the convolver's output.</summary>
    private void FillEcho(Span<float> echo)
    {
        long silent = Math.Clamp(_delay - _micPosition, 0, echo.Length);
        echo[..(int)silent].Clear();
        for (int i = (int)silent; i < echo.Length; i++)
        {
            if (_echoIndex == _block)
                RenderEchoBlock();
            echo[i] = _echoBlock[_echoIndex++];
        }
    }

    /// <summary>Re-times the next block of speaker signal to the microphone's clock and convolves it with the room.</summary>
    private void RenderEchoBlock()
    {
        // Without drift every position is a whole sample and the kernel is an impulse: no look-ahead is needed,
        // which lets a zero-delay room run in step with the render thread.
        int lookAhead = _clockRatio == 1 ? 1 : DriftInterpolator.Half + 1;
        long needed = (long)Math.Floor((_echoBlockStart + _block - 1) * _clockRatio) + lookAhead;
        if (needed > _pulled)
            PullSpeaker(needed);
        for (int j = 0; j < _block; j++)
            _drifted[j] = DriftInterpolator.Read(_history, _historyMask, (_echoBlockStart + j) * _clockRatio);
        _convolver.Process(_drifted, _echoBlock);
        _echoBlockStart += _block;
        _echoIndex = 0;
    }

    /// <summary>
    /// Moves speaker samples up to (not including) position <paramref name="end"/> into the history, clipped to
    /// full scale like a DAC (NaN plays as silence) and then distorted.
    /// </summary>
    private void PullSpeaker(long end)
    {
        int missing = 0;
        while (_pulled < end)
        {
            int start = (int)(_pulled & _historyMask);
            int n = (int)Math.Min(end - _pulled, _history.Length - start);
            Span<float> part = _history.AsSpan(start, n);
            missing += _ring.Read(_pulled, part);
            for (int i = 0; i < part.Length; i++)
            {
                float x = float.IsNaN(part[i]) ? 0f : Math.Clamp(part[i], -1f, 1f);
                part[i] = _drive > 0 ? MathF.Tanh(_drive * x) / _drive : x;
            }
            _pulled += n;
        }
        if (missing > 0)
            Volatile.Write(ref _underruns, _underruns + 1);
    }

    private sealed class SpeakerSide(RoomSimulator room) : IAudioSink
    {
        public AudioFormat Format => room._format;

        public void Write(ReadOnlySpan<float> interleaved) => room.WriteSpeaker(interleaved);
    }

    private sealed class MicrophoneSide(RoomSimulator room) : IAudioSource
    {
        public AudioFormat Format => room._format;

        public int Read(Span<float> interleaved) => room.ReadMicrophone(interleaved);
    }
}
