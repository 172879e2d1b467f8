using Beryl.Aec.Realtime;

namespace Beryl.Media.Audio;

/// <summary>
/// A WAV file an audio thread can write: <see cref="Write"/> only copies the audio into a lock-free queue, and a task
/// writes it to disk. A write the disk holds up (a slow or busy disk, or the kernel throttling writers while it flushes
/// dirty pages) then costs dropped audio, written as silence and counted, instead of a stalled loudspeaker or capture tick.
/// Dispose once the audio thread has stopped writing: it writes what is queued and closes the file.
/// </summary>
public sealed class BackgroundWavFileSink : IAudioSink, IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(100);

    private readonly WavWriter _writer;
    private readonly SpscFrameQueue _queue;
    private readonly float[] _partial, _silence;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _drain;
    private int _partialSamples;
    private long _queuedSamples;
    private int _disposed;

    /// <summary>Creates (or overwrites) <paramref name="path"/> and starts the task that writes it.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="format">The format the sink accepts and the file holds.</param>
    /// <param name="sampleFormat">The encoding of the file; 32-bit float keeps the samples exact.</param>
    /// <param name="queueSeconds">How much audio may wait for the disk before audio is dropped.</param>
    /// <exception cref="ArgumentException">The format is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queueSeconds"/> is not 1 to 60.</exception>
    public BackgroundWavFileSink(string path, AudioFormat format, WavSampleFormat sampleFormat = WavSampleFormat.Float32, int queueSeconds = 5)
        : this(format, queueSeconds, wavFormat => WavWriter.Create(path, wavFormat), sampleFormat)
    {
    }

    /// <summary>Writes the WAV file to <paramref name="stream"/>, which it closes when disposed.</summary>
    internal BackgroundWavFileSink(Stream stream, AudioFormat format, int queueSeconds)
        : this(format, queueSeconds, wavFormat => new WavWriter(stream, wavFormat), WavSampleFormat.Float32)
    {
    }

    private BackgroundWavFileSink(AudioFormat format, int queueSeconds, Func<WavFormat, WavWriter> open, WavSampleFormat sampleFormat)
    {
        format.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(queueSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(queueSeconds, 60);
        Format = format;
        int blockSamples = format.InterleavedSamplesPer10Ms;
        _queue = new SpscFrameQueue(blockSamples, queueSeconds * 100);
        _partial = new float[blockSamples];
        _silence = new float[blockSamples];
        _writer = open(new WavFormat(format.SampleRate, format.Channels, sampleFormat));
        _drain = Task.Run(DrainLoopAsync);
    }

    /// <inheritdoc />
    public AudioFormat Format { get; }

    /// <summary>10 ms blocks of audio dropped so far because the disk fell behind (the file has silence in their place).</summary>
    public long DroppedBlocks => _queue.DroppedFrames;

    /// <summary>Audio thread: queues the whole frames of <paramref name="interleaved"/>. Never blocks, allocates or throws.</summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        interleaved = interleaved[..(interleaved.Length - interleaved.Length % Format.Channels)];
        while (!interleaved.IsEmpty)
        {
            int taken = Math.Min(interleaved.Length, _partial.Length - _partialSamples);
            interleaved[..taken].CopyTo(_partial.AsSpan(_partialSamples));
            _partialSamples += taken;
            interleaved = interleaved[taken..];
            if (_partialSamples < _partial.Length)
                break;
            _queue.TryWrite(_partial);
            _partialSamples = 0;
            Volatile.Write(ref _queuedSamples, _queuedSamples + _partial.Length);
        }
    }

    /// <summary>Writes what is queued, then the file's header, and closes it; rethrows a failure of the disk.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _drain.ConfigureAwait(false);
            Drain();
            // Blocks dropped at the very end are silence too; the tail of less than a block follows them.
            FillTo(Volatile.Read(ref _queuedSamples));
            _writer.Write(_partial.AsSpan(0, _partialSamples));
        }
        finally
        {
            _writer.Dispose();
            _stop.Dispose();
        }
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

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
                return;
            }
            Drain();
        }
    }

    // A block dropped on a full queue comes back as silence, so the file keeps the audio's time line.
    private void Drain()
    {
        while (_queue.TryPeek(out var block, out long position))
        {
            FillTo(position);
            _writer.Write(block);
            _queue.Advance();
        }
    }

    private void FillTo(long samples)
    {
        for (long written = _writer.FramesWritten * Format.Channels; written < samples; written += _silence.Length)
            _writer.Write(_silence.AsSpan(0, (int)Math.Min(_silence.Length, samples - written)));
    }
}
