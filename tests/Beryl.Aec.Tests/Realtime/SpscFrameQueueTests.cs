using Beryl.Aec.Realtime;

namespace Beryl.Aec.Tests.Realtime;

public class SpscFrameQueueTests
{
    [Test]
    public void FramesComeOutInOrderWithTheirPositions()
    {
        var queue = new SpscFrameQueue(frameSamples: 4, slots: 3);
        Assert.That(queue.TryWrite([1f, 1, 1, 1]), Is.True);
        Assert.That(queue.TryWrite([2f, 2, 2, 2]), Is.True);
        Assert.That(queue.TryPeek(out var frame, out long position), Is.True);
        Assert.That((frame[0], position), Is.EqualTo((1f, 0L)));
        queue.Advance();
        Assert.That(queue.TryPeek(out frame, out position), Is.True);
        Assert.That((frame[0], position), Is.EqualTo((2f, 4L)));
        queue.Advance();
        Assert.That(queue.TryPeek(out _, out _), Is.False);
    }

    [Test]
    public void OverflowDropsNewFramesAndLeavesAGapInPositions()
    {
        var queue = new SpscFrameQueue(frameSamples: 2, slots: 2);
        Assert.That(queue.TryWrite([1f, 1]), Is.True);
        Assert.That(queue.TryWrite([2f, 2]), Is.True);
        Assert.That(queue.TryWrite([3f, 3]), Is.False);
        Assert.That(queue.DroppedFrames, Is.EqualTo(1));
        queue.TryPeek(out _, out _); queue.Advance();
        queue.TryPeek(out _, out _); queue.Advance();
        Assert.That(queue.TryWrite([4f, 4]), Is.True);
        Assert.That(queue.TryPeek(out var frame, out long position), Is.True);
        Assert.That((frame[0], position), Is.EqualTo((4f, 6L)), "the dropped frame still counts in the stream");
    }

    [Test]
    public void ShortSamplesAreScaledToFloat()
    {
        var queue = new SpscFrameQueue(frameSamples: 2, slots: 2);
        queue.TryWrite(new short[] { 16384, -32768 });
        queue.TryPeek(out var frame, out _);
        Assert.That(frame.ToArray(), Is.EqualTo(new[] { 0.5f, -1f }));
    }

    [Test]
    public void TwoThreadsPassEveryFrameIntact()
    {
        const int frames = 200_000;
        var queue = new SpscFrameQueue(frameSamples: 8, slots: 16);
        long dropped = 0;
        var producer = Task.Run(() =>
        {
            var frame = new float[8];
            for (int i = 0; i < frames; i++)
            {
                Array.Fill(frame, i);
                while (!queue.TryWrite(frame)) { dropped++; Thread.Yield(); }
            }
        });
        // Every frame written is read whole: a torn frame would mix two values.
        long expected = 0;
        while (expected < frames)
        {
            if (!queue.TryPeek(out var frame, out _)) { Thread.Yield(); continue; }
            float value = frame[0];
            for (int i = 1; i < frame.Length; i++) Assert.That(frame[i], Is.EqualTo(value));
            queue.Advance();
            Assert.That(value, Is.EqualTo(expected), "frames arrive once each, in order");
            expected++;
        }
        producer.Wait();
        Assert.That(expected, Is.EqualTo(frames));
        Assert.That(queue.DroppedFrames, Is.EqualTo(dropped));
    }
}
