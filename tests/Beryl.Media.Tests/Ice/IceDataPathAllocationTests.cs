using Beryl.Media.Ice;
using static Beryl.Media.Tests.Ice.IceTestSupport;

namespace Beryl.Media.Tests.Ice;

[TestFixture]
public sealed class IceDataPathAllocationTests
{
    private const int Batch = 50;
    private const int Rounds = 3;
    private const int BatchesPerRound = 13;
    private const int Batches = Rounds * BatchesPerRound;

    [Test]
    public async Task SendingAndReceivingDataDoesNotAllocatePerPacket()
    {
        await using var a = new IceAgent(Options(IceRole.Controlling));
        await using var b = new IceAgent(Options(IceRole.Controlled));
        await ConnectAsync(a, b);

        // Batches keep the loopback socket buffer from overflowing; completions are created up front so
        // the measurement sees only what the agents allocate.
        var batchDone = new TaskCompletionSource[Batches + 1];
        for (int i = 0; i < batchDone.Length; i++)
            batchDone[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int received = 0;
        b.DatagramReceived += (data, _) =>
        {
            int n = Interlocked.Increment(ref received);
            if (n % Batch == 0)
                batchDone[n / Batch - 1].TrySetResult();
        };
        byte[] rtp = new byte[172];
        rtp[0] = 0x80;

        SendBatch(a, rtp); // warm-up: first receives create the socket's cached async machinery
        Assert.That(batchDone[0].Task.Wait(TestTimeout), Is.True);
        // The counter is process-wide, so stray work elsewhere (a finished test's continuations) adds noise;
        // the quietest of several rounds is the agent's own cost.
        long fewestPerPacket = long.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int batch = 1 + round * BatchesPerRound; batch <= (round + 1) * BatchesPerRound; batch++)
            {
                SendBatch(a, rtp);
                Assert.That(batchDone[batch].Task.Wait(TestTimeout), Is.True, $"batch {batch}");
            }
            long perPacket = (GC.GetTotalAllocatedBytes(precise: true) - before) / (BatchesPerRound * Batch);
            fewestPerPacket = Math.Min(fewestPerPacket, perPacket);
        }
        TestContext.Out.WriteLine($"{fewestPerPacket} bytes allocated per packet (whole process, quietest round)");
        Assert.That(fewestPerPacket, Is.LessThan(16));
    }

    // No NUnit constraint per packet: building one allocates.
    private static void SendBatch(IceAgent agent, byte[] datagram)
    {
        int sent = 0;
        for (int i = 0; i < Batch; i++)
            sent += agent.Send(datagram) ? 1 : 0;
        if (sent != Batch)
            Assert.Fail($"only {sent} of {Batch} sends succeeded");
    }
}
