using Beryl.Aec.Realtime;
using Beryl.Media.Audio;

namespace Beryl.Media.Node;

/// <summary>
/// Records one call at the node: <c>received.wav</c> (the caller's audio as decoded), <c>cleaned.wav</c> (after echo
/// cancellation) and <c>render.wav</c> (what the node sent, the canceller's reference), all on one time line, and at the
/// end <c>call.json</c>. The audio thread only copies frames into lock-free queues; a task writes the files, so a slow
/// disk costs dropped frames (left as silence, counted) rather than a late tick.
/// </summary>
internal sealed class CallRecorder : IAsyncDisposable
{
    private static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(100);
    private const int QueueSeconds = 5;

    private readonly Track _received, _cleaned, _render;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _drain;

    public CallRecorder(string directory, AudioFormat format)
    {
        Directory.CreateDirectory(directory);
        DirectoryPath = directory;
        _received = new Track(Path.Combine(directory, "received.wav"), format);
        _cleaned = new Track(Path.Combine(directory, "cleaned.wav"), format);
        _render = new Track(Path.Combine(directory, "render.wav"), format);
        _drain = Task.Run(DrainLoopAsync);
    }

    public string DirectoryPath { get; }

    /// <summary>Frames of the three tracks dropped on a full queue so far (they come back as silence).</summary>
    public long DroppedFrames => _received.DroppedFrames + _cleaned.DroppedFrames + _render.DroppedFrames;

    /// <summary>Audio thread: the caller's frame as received and as cleaned.</summary>
    public void WriteReceived(ReadOnlySpan<float> received, ReadOnlySpan<float> cleaned)
    {
        _received.Write(received);
        _cleaned.Write(cleaned);
    }

    /// <summary>Audio thread: the frame the node sent.</summary>
    public void WriteRender(ReadOnlySpan<float> frame) => _render.Write(frame);

    /// <summary>Writes what is queued, closes the WAV files and writes <c>call.json</c> next to them.</summary>
    public async Task FinishAsync(string statisticsJson)
    {
        await DisposeAsync().ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "call.json"), statisticsJson).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _drain.ConfigureAwait(false);
        _received.Dispose();
        _cleaned.Dispose();
        _render.Dispose();
        _stop.Dispose();
    }

    private async Task DrainLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(DrainInterval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            _received.Drain();
            _cleaned.Drain();
            _render.Drain();
        }
    }

    private sealed class Track : IDisposable
    {
        private readonly WavWriter _writer;
        private readonly SpscFrameQueue _queue;
        private readonly float[] _gap;
        private long _offeredSamples;

        public Track(string path, AudioFormat format)
        {
            _writer = WavWriter.Create(path, new WavFormat(format.SampleRate, 1, WavSampleFormat.Float32));
            _queue = new SpscFrameQueue(format.SamplesPer10Ms, QueueSeconds * 100);
            _gap = new float[format.SamplesPer10Ms];
        }

        public long DroppedFrames => _queue.DroppedFrames;

        /// <summary>Audio thread.</summary>
        public void Write(ReadOnlySpan<float> frame)
        {
            _queue.TryWrite(frame);
            Volatile.Write(ref _offeredSamples, _offeredSamples + frame.Length);
        }

        // Frames dropped on a full queue come back as silence, so the three files keep one time line.
        public void Drain()
        {
            while (_queue.TryPeek(out var frame, out long position))
            {
                FillTo(position);
                _writer.Write(frame);
                _queue.Advance();
            }
        }

        // The audio thread has stopped: frames dropped at the very end are silence too.
        public void Dispose()
        {
            Drain();
            FillTo(Volatile.Read(ref _offeredSamples));
            _writer.Dispose();
        }

        private void FillTo(long position)
        {
            while (_writer.FramesWritten < position)
                _writer.Write(_gap.AsSpan(0, (int)Math.Min(_gap.Length, position - _writer.FramesWritten)));
        }
    }
}
