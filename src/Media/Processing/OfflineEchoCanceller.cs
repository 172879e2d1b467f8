using System.Diagnostics;
using Beryl.Aec;
using Beryl.Media.Audio;

namespace Beryl.Media.Processing;

/// <summary>
/// Runs an echo canceller over a far-end (render) WAV file and a microphone (capture) WAV file and
/// writes the echo-cancelled microphone signal to a WAV file.
/// </summary>
/// <remarks>
/// <para>Both files are streamed in 10 ms frames; neither is loaded whole. For every frame the far-end
/// frame is handed to the canceller first, then the microphone frame.</para>
/// <para>The output is time-aligned with the microphone and has exactly its length and format: the first
/// <see cref="EchoCanceller.LatencySamples"/> output samples per channel are dropped and zero frames are fed
/// at the end to flush the canceller. A far-end file shorter than the microphone file is padded with
/// silence, a longer one is cut. A partial last frame is zero-padded and trimmed from the output.</para>
/// <para>The output is written to a temporary file next to <c>outPath</c> and moved into place only when
/// everything succeeded; on any error or cancellation the temporary file is deleted and an existing
/// <c>outPath</c> is left untouched.</para>
/// </remarks>
public static class OfflineEchoCanceller
{
    /// <summary>Frames per second (the canceller works on 10 ms frames).</summary>
    private const int FramesPerSecond = 100;

    /// <summary>
    /// Cancels the echo of <paramref name="farPath"/> in <paramref name="micPath"/> with a Beryl
    /// <see cref="EchoCanceller"/> and writes the result to <paramref name="outPath"/>.
    /// </summary>
    /// <param name="farPath">Far-end (loudspeaker) WAV file, 1 or 2 channels.</param>
    /// <param name="micPath">Microphone WAV file, 1 or 2 channels, same sample rate as the far-end file.</param>
    /// <param name="outPath">Output WAV file; replaced atomically if it exists.</param>
    /// <param name="options">
    /// Canceller settings. <see cref="EchoCancellerOptions.SampleRate"/>, <see cref="EchoCancellerOptions.RenderChannels"/>
    /// and <see cref="EchoCancellerOptions.CaptureChannels"/> are taken from the files and override the given values.
    /// </param>
    /// <param name="progress">Receives the processed fraction of the microphone file, 0 to 1 (only if its length is known).</param>
    /// <param name="perSecond">Receives the statistics of each second of microphone audio (the last one may be partial).</param>
    /// <param name="ct">Cancels the processing; the output is then not written.</param>
    /// <returns>Lengths, timing and the final statistics.</returns>
    /// <exception cref="OfflineProcessingException">An input cannot be used or the output cannot be written.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static OfflineResult Process(
        string farPath,
        string micPath,
        string outPath,
        EchoCancellerOptions options,
        IProgress<double>? progress = null,
        Action<SecondStatistics>? perSecond = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Process(
            farPath,
            micPath,
            outPath,
            format => new BerylProcessor(new EchoCanceller(options with
            {
                SampleRate = format.SampleRate,
                RenderChannels = format.RenderChannels,
                CaptureChannels = format.CaptureChannels,
            })),
            progress,
            perSecond,
            ct);
    }

    /// <summary>
    /// Runs any <see cref="IOfflineFrameProcessor"/> over the files with the same file handling,
    /// validation and output alignment as <see cref="Process(string, string, string, EchoCancellerOptions, IProgress{double}?, Action{SecondStatistics}?, CancellationToken)"/>.
    /// </summary>
    /// <param name="farPath">Far-end (loudspeaker) WAV file, 1 or 2 channels.</param>
    /// <param name="micPath">Microphone WAV file, 1 or 2 channels, same sample rate as the far-end file.</param>
    /// <param name="outPath">Output WAV file; replaced atomically if it exists.</param>
    /// <param name="createProcessor">
    /// Builds the canceller once the files' format is known. Its frame size must be 10 ms. If the processor is
    /// <see cref="IDisposable"/> it is disposed at the end.
    /// </param>
    /// <param name="progress">Receives the processed fraction of the microphone file, 0 to 1 (only if its length is known).</param>
    /// <param name="perSecond">Receives per-second statistics if the processor reports statistics.</param>
    /// <param name="ct">Cancels the processing; the output is then not written.</param>
    /// <returns>Lengths, timing and the final statistics.</returns>
    /// <exception cref="OfflineProcessingException">An input cannot be used or the output cannot be written.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static OfflineResult Process(
        string farPath,
        string micPath,
        string outPath,
        Func<OfflineStreamFormat, IOfflineFrameProcessor> createProcessor,
        IProgress<double>? progress = null,
        Action<SecondStatistics>? perSecond = null,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(farPath);
        ArgumentException.ThrowIfNullOrEmpty(micPath);
        ArgumentException.ThrowIfNullOrEmpty(outPath);
        ArgumentNullException.ThrowIfNull(createProcessor);

        var wall = Stopwatch.StartNew();
        using var far = OpenInput(farPath, "far-end");
        using var mic = OpenInput(micPath, "microphone");
        var farFormat = far.Format;
        var micFormat = mic.Format;

        if (farFormat.SampleRate != micFormat.SampleRate)
        {
            throw new OfflineProcessingException(
                $"Sample rates differ: the far-end file '{farPath}' is {farFormat.SampleRate} Hz but the microphone file '{micPath}' is {micFormat.SampleRate} Hz.",
                micPath);
        }

        int rate = micFormat.SampleRate;
        if (!EchoCancellerOptions.SupportedSampleRates.Contains(rate))
        {
            throw new OfflineProcessingException(
                $"'{micPath}' has a sample rate of {rate} Hz, which the canceller does not support; use {string.Join(", ", EchoCancellerOptions.SupportedSampleRates)} Hz.",
                micPath);
        }

        CheckChannels(farPath, "far-end", farFormat.Channels);
        CheckChannels(micPath, "microphone", micFormat.Channels);
        if (mic.FrameCount == 0)
            throw new OfflineProcessingException($"The microphone file '{micPath}' holds no audio.", micPath);

        var streamFormat = new OfflineStreamFormat(rate, farFormat.Channels, micFormat.Channels);
        var processor = createProcessor(streamFormat);
        try
        {
            int frameSize = rate / FramesPerSecond;
            if (processor.FrameSize != frameSize)
                throw new InvalidOperationException($"The processor works on {processor.FrameSize}-sample frames; 10 ms at {rate} Hz is {frameSize}.");
            if (processor.LatencySamples < 0)
                throw new InvalidOperationException($"The processor reports a negative latency ({processor.LatencySamples}).");

            var outFormat = OutputFormat(micFormat);
            var result = WriteAtomically(outPath, outFormat, writer =>
                Run(far, mic, micPath, writer, processor, streamFormat, mic.FrameCount, progress, perSecond, ct));
            wall.Stop();
            return result with { WallTime = wall.Elapsed };
        }
        finally
        {
            (processor as IDisposable)?.Dispose();
        }
    }

    /// <summary>The WAV format the output is written in for a given microphone format.</summary>
    /// <param name="micFormat">Format of the microphone file.</param>
    /// <returns>The microphone's format (channels, rate and sample encoding).</returns>
    public static WavFormat OutputFormat(WavFormat micFormat) => micFormat;

    private static OfflineResult Run(
        WavReader far,
        WavReader mic,
        string micPath,
        WavWriter writer,
        IOfflineFrameProcessor processor,
        OfflineStreamFormat format,
        long? micTotal,
        IProgress<double>? progress,
        Action<SecondStatistics>? perSecond,
        CancellationToken ct)
    {
        int n = processor.FrameSize;
        int farCh = format.RenderChannels;
        int micCh = format.CaptureChannels;
        long latency = processor.LatencySamples;

        var farFrame = new float[n * farCh];
        var micFrame = new float[n * micCh];
        var outFrame = new float[n * micCh];

        bool farEnded = false;
        bool micEnded = false;
        long micRead = 0;      // microphone samples per channel read so far
        long written = 0;      // output samples per channel written so far
        long frameIndex = 0;   // frames handed to the processor
        long processingTicks = 0;
        var accumulator = new SecondAccumulator();
        EchoCancellerStatistics? last = null;
        int progressStep = Math.Max(1, (int)((micTotal ?? 0) / n / 200));

        while (true)
        {
            ct.ThrowIfCancellationRequested();

            int micGot = 0;
            if (!micEnded)
            {
                micGot = ReadFrame(mic, micFrame, micCh, micPath);
                if (micGot < n)
                    micEnded = true;
                micRead += micGot;
            }
            else
            {
                Array.Clear(micFrame);
            }

            if (micEnded && micRead == 0)
                throw new OfflineProcessingException($"The microphone file '{micPath}' holds no audio.", micPath);

            // Stop once everything the microphone held has come out of the canceller.
            if (micEnded && written >= micRead)
                break;

            if (!farEnded)
            {
                int farGot = ReadFrame(far, farFrame, farCh, null);
                if (farGot < n)
                    farEnded = true;
            }
            else
            {
                Array.Clear(farFrame);
            }

            long t0 = Stopwatch.GetTimestamp();
            processor.ProcessRender(farFrame);
            processor.ProcessCapture(micFrame, outFrame);
            processingTicks += Stopwatch.GetTimestamp() - t0;

            // Statistics belong to frames that carry microphone audio, not to flush frames.
            if (micGot > 0 && processor.GetStatistics() is { } stats)
            {
                last = stats;
                if (perSecond is not null && accumulator.Add(stats, frameIndex) is { } second)
                    perSecond(second);
            }
            else if (micGot == 0 && processor.GetStatistics() is { } flushStats)
            {
                last = flushStats;
            }

            // Output stream sample s is microphone sample s - latency.
            long start = frameIndex * n;
            long lo = Math.Max(start, latency);
            long hi = Math.Min(start + n, latency + micRead);
            if (hi > lo)
            {
                int from = (int)(lo - start);
                int count = (int)(hi - lo);
                WriteOutput(writer, outFrame.AsSpan(from * micCh, count * micCh));
                written += count;
            }

            frameIndex++;
            if (progress is not null && micTotal is > 0 && frameIndex % progressStep == 0)
                progress.Report(Math.Min(1.0, (double)written / micTotal.Value));
        }

        if (perSecond is not null && accumulator.Flush() is { } lastSecond)
            perSecond(lastSecond);
        progress?.Report(1.0);

        return new OfflineResult(
            Frames: written,
            Seconds: (double)written / format.SampleRate,
            WallTime: TimeSpan.Zero,
            Statistics: last,
            SampleRate: format.SampleRate,
            RenderChannels: farCh,
            CaptureChannels: micCh,
            ProcessedFrames: frameIndex,
            ProcessingTime: Stopwatch.GetElapsedTime(0, processingTicks));
    }

    /// <summary>Fills <paramref name="frame"/> as far as the file goes, zero-pads the rest; returns samples per channel read.</summary>
    private static int ReadFrame(WavReader reader, float[] frame, int channels, string? path)
    {
        int wanted = frame.Length / channels;
        int got = 0;
        try
        {
            while (got < wanted)
            {
                int r = reader.Read(frame.AsSpan(got * channels, (wanted - got) * channels));
                if (r <= 0)
                    break;
                got += r;
            }
        }
        catch (WavFormatException ex)
        {
            throw new OfflineProcessingException(ex.Message, path, ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new OfflineProcessingException($"Cannot read {(path is null ? "an input file" : $"'{path}'")}: {ex.Message}", path, ex);
        }

        if (got < wanted)
            frame.AsSpan(got * channels).Clear();
        return got;
    }

    private static void WriteOutput(WavWriter writer, ReadOnlySpan<float> samples)
    {
        writer.Write(samples);
    }

    private static WavReader OpenInput(string path, string role)
    {
        if (Directory.Exists(path))
            throw new OfflineProcessingException($"The {role} file '{path}' is a folder, not a WAV file.", path);
        if (!File.Exists(path))
            throw new OfflineProcessingException($"The {role} file '{path}' does not exist.", path);
        try
        {
            return WavReader.Open(path);
        }
        catch (WavFormatException ex)
        {
            throw new OfflineProcessingException(ex.Message, path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OfflineProcessingException($"Cannot open the {role} file '{path}': {ex.Message}", path, ex);
        }
    }

    private static void CheckChannels(string path, string role, int channels)
    {
        if (channels is < 1 or > 2)
            throw new OfflineProcessingException($"The {role} file '{path}' has {channels} channels; the canceller takes 1 or 2.", path);
    }

    /// <summary>
    /// Creates a temporary file next to <paramref name="outPath"/>, lets <paramref name="body"/> fill it and
    /// moves it over <paramref name="outPath"/>; deletes it if anything fails.
    /// </summary>
    private static T WriteAtomically<T>(string outPath, WavFormat format, Func<WavWriter, T> body)
    {
        string fullOut = Path.GetFullPath(outPath);
        string? folder = Path.GetDirectoryName(fullOut);
        if (folder is not null && !Directory.Exists(folder))
            throw new OfflineProcessingException($"Cannot write '{outPath}': the folder '{folder}' does not exist.", outPath);
        if (Directory.Exists(fullOut))
            throw new OfflineProcessingException($"Cannot write '{outPath}': it is a folder.", outPath);

        string temp = TempPathFor(fullOut);
        WavWriter? writer = null;
        bool moved = false;
        try
        {
            try
            {
                writer = WavWriter.Create(temp, format);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OfflineProcessingException($"Cannot write '{outPath}': {ex.Message}", outPath, ex);
            }

            T result = body(writer);
            try
            {
                writer.Dispose();
                writer = null;
                File.Move(temp, fullOut, overwrite: true);
                moved = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OfflineProcessingException($"Cannot write '{outPath}': {ex.Message}", outPath, ex);
            }

            return result;
        }
        finally
        {
            if (!moved)
            {
                try
                {
                    writer?.Dispose();
                }
                catch (Exception)
                {
                    // The temporary file is deleted below anyway; the original error matters more.
                }

                TryDelete(temp);
            }
        }
    }

    /// <summary>A temporary path in the same folder as <paramref name="path"/> (so the final move is atomic).</summary>
    /// <param name="path">The final path.</param>
    /// <returns><paramref name="path"/> followed by <c>.tmp-</c> and 8 random hex digits.</returns>
    public static string TempPathFor(string path) => $"{path}.tmp-{Random.Shared.Next():x8}";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more can be done; leaving a stray temporary file beats hiding the real error.
        }
    }

    /// <summary>Adapts <see cref="EchoCanceller"/> to <see cref="IOfflineFrameProcessor"/>.</summary>
    private sealed class BerylProcessor(EchoCanceller canceller) : IOfflineFrameProcessor
    {
        public int FrameSize => canceller.FrameSize;

        public int LatencySamples => canceller.LatencySamples;

        public void ProcessRender(ReadOnlySpan<float> interleaved) => canceller.ProcessRender(interleaved);

        public void ProcessCapture(ReadOnlySpan<float> capture, Span<float> output) => canceller.ProcessCapture(capture, output);

        public EchoCancellerStatistics? GetStatistics() => canceller.GetStatistics();
    }

    /// <summary>Collects the per-frame statistics of one second and emits a <see cref="SecondStatistics"/>.</summary>
    private sealed class SecondAccumulator
    {
        private int _frames;
        private int _doubleTalk;
        private int _farActive;
        private long _second = -1;
        private EchoCancellerStatistics _last;

        /// <summary>Adds the statistics of frame <paramref name="frameIndex"/>; returns the previous second when a new one starts.</summary>
        public SecondStatistics? Add(in EchoCancellerStatistics stats, long frameIndex)
        {
            long second = frameIndex / FramesPerSecond;
            SecondStatistics? done = null;
            if (second != _second)
            {
                done = Flush();
                _second = second;
            }

            _frames++;
            if (stats.DoubleTalk)
                _doubleTalk++;
            if (stats.FarEndActive)
                _farActive++;
            _last = stats;
            return done;
        }

        /// <summary>Emits the second collected so far, if any, and starts over.</summary>
        public SecondStatistics? Flush()
        {
            if (_frames == 0)
                return null;
            var s = new SecondStatistics(
                TimeS: _second,
                DelayMs: _last.DelayMs,
                DelayConfidence: _last.DelayConfidence,
                ErleDb: _last.ErleDb,
                LinearErleDb: _last.LinearErleDb,
                DoubleTalk: (double)_doubleTalk / _frames,
                FarEndActive: (double)_farActive / _frames,
                ActiveFilter: _last.ActiveFilter,
                DivergenceCount: _last.DivergenceCount);
            _frames = 0;
            _doubleTalk = 0;
            _farActive = 0;
            return s;
        }
    }
}
