using System.Diagnostics;
using Beryl.Media.Stun;

namespace Beryl.Media.Tests.Stun;

[TestFixture]
public sealed class StunAllocationTests
{
    private const int Iterations = 2_000;

    [Test]
    public void ParsingVerifyingAndWritingDoNotAllocate()
    {
        byte[] request = Rfc5769Vectors.SampleRequest;
        byte[] key = "VOkJxbRl1RmTxUk/WvJxBt"u8.ToArray();
        byte[] buffer = new byte[256];
        var id = StunTransactionId.Read(Rfc5769Vectors.TransactionId);
        int valid = RunOnce(request, key, buffer, id); // warm-up: JIT and static tables

        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        for (int i = 0; i < Iterations; i++)
            valid += RunOnce(request, key, buffer, id);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        TestContext.Out.WriteLine($"parse + integrity + fingerprint + write: {elapsed.TotalMicroseconds / Iterations:F2} µs per message");
        Assert.That(valid, Is.EqualTo(Iterations + 1));
        Assert.That(allocated, Is.Zero);
    }

    private static int RunOnce(byte[] request, byte[] key, byte[] buffer, StunTransactionId id)
    {
        bool ok = StunMessage.TryParse(request, out StunMessage message)
            && message.HasValidFingerprint && message.VerifyMessageIntegrity(key)
            && message.TryGetPriority(out _) && message.UsernameBytes.Length == 9;
        var writer = new StunMessageWriter(buffer, StunMessageClass.SuccessResponse, StunMethod.Binding, id);
        writer.AddPriority(1);
        writer.AddUsername("evtj:h6vY");
        writer.AddMessageIntegrity(key);
        writer.AddFingerprint();
        return ok && writer.Length > 0 ? 1 : 0;
    }
}
