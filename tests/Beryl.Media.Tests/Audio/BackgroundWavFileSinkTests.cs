using Beryl.Media.Audio;

namespace Beryl.Media.Tests.Audio;

public class BackgroundWavFileSinkTests
{
    private static readonly AudioFormat Stereo16k = new(16_000, 2);

    [Test]
    public void Writes_of_any_length_come_back_exactly_with_the_tail_shorter_than_a_block()
    {
        using var dir = new TempDirectory();
        string path = dir.File("odd.wav");
        float[] expected = SignalMeasure.Noise(3, 2 * 16_007, 0.5f);
        using (var sink = new BackgroundWavFileSink(path, Stereo16k))
        {
            // 7 ms, then 13 ms, ... : blocks of 10 ms are assembled across writes.
            for (int at = 0, length = 2 * 112; at < expected.Length; at += length, length = length == 2 * 112 ? 2 * 208 : 2 * 112)
                sink.Write(expected.AsSpan(at, Math.Min(length, expected.Length - at)));
        }

        var channels = WavReader.ReadAllChannels(path, out var format);
        Assert.That(format.SampleRate, Is.EqualTo(16_000));
        Assert.That(channels, Has.Length.EqualTo(2));
        var left = expected.Where((_, i) => i % 2 == 0).ToArray();
        var right = expected.Where((_, i) => i % 2 == 1).ToArray();
        Assert.That(channels[0], Is.EqualTo(left));
        Assert.That(channels[1], Is.EqualTo(right));
    }

    // A disk that blocks (a kernel flushing dirty pages) must not hold up the audio thread: the writes return at once,
    // what did not fit in the queue is dropped, counted, and written as silence in its place once the disk is back.
    [Test]
    public void A_blocked_disk_never_blocks_the_writer_and_what_it_costs_is_silence_in_place()
    {
        var format = new AudioFormat(16_000, 1);
        int block = format.InterleavedSamplesPer10Ms;
        const int Blocks = 300;     // 3 s written while the disk is blocked, against a 1 s queue
        var disk = new GatedStream();
        var sink = new BackgroundWavFileSink(disk, format, queueSeconds: 1);
        disk.Block();

        var writing = Task.Run(() =>
        {
            var frame = new float[block];
            for (int b = 0; b < Blocks; b++)
            {
                Array.Fill(frame, (b + 1) / 1000f);
                sink.Write(frame);
            }
        });
        bool returned;
        try
        {
            // Ten seconds is not a speed test: a writer that waits for the disk would wait forever.
            returned = writing.Wait(TimeSpan.FromSeconds(10));
        }
        finally
        {
            disk.Unblock();
        }
        Assert.That(returned, Is.True, "the writes returned while the disk was blocked");
        long dropped = sink.DroppedBlocks;
        sink.Dispose();

        // The block the writing task holds while the disk is blocked keeps its slot until it is written.
        Assert.That(dropped, Is.EqualTo(Blocks - 100), "all but the queue's 100 blocks were dropped");
        using var dir = new TempDirectory();
        string path = dir.File("blocked.wav");
        File.WriteAllBytes(path, disk.ToArray());
        var samples = WavReader.ReadAllChannels(path, out _)[0];
        long silent = RecordedBlocks.CountSilentKeepingPlace("the file", samples, block, Blocks, b => (b + 1) / 1000f);
        Assert.That(silent, Is.EqualTo(dropped), "each dropped block is one block of silence");
    }

    /// <summary>A memory stream whose writes wait while it is blocked, as a write to a congested disk does.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly ManualResetEventSlim _open = new(initialState: true);

        public void Block() => _open.Reset();

        public void Unblock() => _open.Set();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _open.Wait();
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _open.Wait();
            base.Write(buffer);
        }

        // The sink closes the stream when it is disposed; the test reads it afterwards.
        protected override void Dispose(bool disposing)
        {
        }
    }
}
