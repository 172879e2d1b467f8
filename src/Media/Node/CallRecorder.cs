using Beryl.Media.Audio;

namespace Beryl.Media.Node;

/// <summary>
/// Records one call at the node: <c>received.wav</c> (the caller's audio as decoded), <c>cleaned.wav</c> (after echo
/// cancellation) and <c>render.wav</c> (what the node sent, the canceller's reference), all on one time line, and at the
/// end <c>call.json</c>. The audio thread only copies frames into each file's queue (<see cref="BackgroundWavFileSink"/>),
/// so a slow disk costs dropped frames (left as silence, counted) rather than a late tick.
/// </summary>
internal sealed class CallRecorder : IAsyncDisposable
{
    private const int Received = 0, Cleaned = 1, Render = 2;
    private static readonly string[] TrackFiles = ["received.wav", "cleaned.wav", "render.wav"];

    private readonly List<BackgroundWavFileSink> _tracks = new(TrackFiles.Length);
    private int _disposed;

    public CallRecorder(string directory, AudioFormat format)
    {
        Directory.CreateDirectory(directory);
        DirectoryPath = directory;
        try
        {
            foreach (string file in TrackFiles)
                _tracks.Add(new BackgroundWavFileSink(Path.Combine(directory, file), new AudioFormat(format.SampleRate, 1)));
        }
        catch
        {
            foreach (var track in _tracks)
                track.Dispose();
            throw;
        }
    }

    public string DirectoryPath { get; }

    /// <summary>10 ms frames of the three tracks dropped on a full queue so far (they come back as silence).</summary>
    public long DroppedFrames => _tracks.Sum(track => track.DroppedBlocks);

    /// <summary>Audio thread: the caller's frame as received and as cleaned.</summary>
    public void WriteReceived(ReadOnlySpan<float> received, ReadOnlySpan<float> cleaned)
    {
        _tracks[Received].Write(received);
        _tracks[Cleaned].Write(cleaned);
    }

    /// <summary>Audio thread: the frame the node sent.</summary>
    public void WriteRender(ReadOnlySpan<float> frame) => _tracks[Render].Write(frame);

    /// <summary>Writes what is queued, closes the WAV files and writes <c>call.json</c> next to them.</summary>
    public async Task FinishAsync(string statisticsJson)
    {
        await DisposeAsync().ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(DirectoryPath, "call.json"), statisticsJson).ConfigureAwait(false);
    }

    /// <summary>Closes every track, also when one fails; the first failure is rethrown.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Exception? failure = null;
        foreach (var track in _tracks)
        {
            try
            {
                await track.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The other tracks still get their headers written and their files closed.
                failure ??= e;
            }
        }
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }
}
