using Beryl.Aec;

namespace Beryl.Media.Processing;

/// <summary>
/// Thrown by <see cref="OfflineEchoCanceller"/> when the input files cannot be processed (missing,
/// unreadable, empty, mismatched sample rates, unsupported format) or the output cannot be written.
/// The message names the file and the problem and is meant to be shown to a user as is.
/// </summary>
public sealed class OfflineProcessingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One sentence naming the file and the problem.</param>
    /// <param name="path">The file the problem is about, if there is one.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public OfflineProcessingException(string message, string? path = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file the problem is about, or <c>null</c>.</summary>
    public string? Path { get; }
}

/// <summary>The shape of the audio an <see cref="IOfflineFrameProcessor"/> is created for.</summary>
/// <param name="SampleRate">Sample rate of both files, in Hz.</param>
/// <param name="RenderChannels">Channels of the far-end (render) file.</param>
/// <param name="CaptureChannels">Channels of the microphone (capture) file.</param>
public readonly record struct OfflineStreamFormat(int SampleRate, int RenderChannels, int CaptureChannels);

/// <summary>
/// An echo canceller driven frame by frame by <see cref="OfflineEchoCanceller"/>. Implemented for
/// <see cref="EchoCanceller"/> internally; other cancellers (for example a reference implementation
/// in a benchmark) implement it to be run with exactly the same file handling and output alignment.
/// </summary>
public interface IOfflineFrameProcessor
{
    /// <summary>Samples per channel in one frame.</summary>
    int FrameSize { get; }

    /// <summary>How many samples the output lags the capture input; they are dropped from the output.</summary>
    int LatencySamples { get; }

    /// <summary>Hands one interleaved render frame (<see cref="FrameSize"/> x render channels) to the canceller.</summary>
    void ProcessRender(ReadOnlySpan<float> interleaved);

    /// <summary>Cancels the echo in one interleaved capture frame into <paramref name="output"/>.</summary>
    void ProcessCapture(ReadOnlySpan<float> capture, Span<float> output);

    /// <summary>The canceller's statistics after the last capture frame, or <c>null</c> if it has none.</summary>
    EchoCancellerStatistics? GetStatistics();
}

/// <summary>Statistics of one second of microphone audio, sampled after every capture frame of that second.</summary>
/// <param name="TimeS">Start of the second in the microphone file, in seconds (0, 1, 2, ...).</param>
/// <param name="DelayMs">Delay estimate at the end of the second, in ms.</param>
/// <param name="DelayConfidence">Confidence of the delay estimate at the end of the second, 0 to 1.</param>
/// <param name="ErleDb">Smoothed ERLE of the whole canceller at the end of the second, in dB.</param>
/// <param name="LinearErleDb">Smoothed ERLE of the linear filter at the end of the second, in dB.</param>
/// <param name="DoubleTalk">Fraction of the second's frames flagged as double talk, 0 to 1.</param>
/// <param name="FarEndActive">Fraction of the second's frames in which the far end was active, 0 to 1.</param>
/// <param name="ActiveFilter">The filter that produced the second's last frame.</param>
/// <param name="DivergenceCount">Divergences since the start of the file, at the end of the second.</param>
public readonly record struct SecondStatistics(
    double TimeS,
    double DelayMs,
    double DelayConfidence,
    double ErleDb,
    double LinearErleDb,
    double DoubleTalk,
    double FarEndActive,
    ActiveFilter ActiveFilter,
    long DivergenceCount);

/// <summary>What <see cref="OfflineEchoCanceller"/> did.</summary>
/// <param name="Frames">Microphone samples per channel processed (and written: the output has this length).</param>
/// <param name="Seconds">Length of the microphone file, in seconds.</param>
/// <param name="WallTime">Time spent, including reading and writing the files.</param>
/// <param name="Statistics">The canceller's statistics after the last frame, if it reports any.</param>
/// <param name="SampleRate">Sample rate of the files, in Hz.</param>
/// <param name="RenderChannels">Channels of the far-end file.</param>
/// <param name="CaptureChannels">Channels of the microphone and output files.</param>
/// <param name="ProcessedFrames">10 ms frames handed to the canceller, flush frames included.</param>
/// <param name="ProcessingTime">Time spent inside the canceller only (render plus capture calls).</param>
public sealed record OfflineResult(
    long Frames,
    double Seconds,
    TimeSpan WallTime,
    EchoCancellerStatistics? Statistics,
    int SampleRate,
    int RenderChannels,
    int CaptureChannels,
    long ProcessedFrames,
    TimeSpan ProcessingTime)
{
    /// <summary>How many times faster than real time the file was processed (audio seconds per wall second).</summary>
    public double RealTimeFactor => WallTime.TotalSeconds > 0 ? Seconds / WallTime.TotalSeconds : double.PositiveInfinity;

    /// <summary>Mean time inside the canceller per frame (render plus capture), in microseconds.</summary>
    public double MicrosecondsPerFrame => ProcessedFrames > 0 ? ProcessingTime.TotalMicroseconds / ProcessedFrames : 0;
}
