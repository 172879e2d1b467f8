using System.Diagnostics;
using Beryl.Media.Dtls;

namespace Beryl.Media.Tests.Dtls;

/// <summary>
/// Seeded mutations of real handshake datagrams fed to transports mid-handshake: nothing may escape
/// <see cref="DtlsTransport.DeliverDatagram"/>, every datagram is accounted for, and no handshake may hang.
/// </summary>
[TestFixture]
public sealed class DtlsTransportMutationTests
{
    private const int RecordHeaderLength = 13;
    private const int MutationsPerVictim = 25;

    private static byte[][]? s_clientFlights, s_serverFlights;

    [OneTimeSetUp]
    public async Task CaptureARealHandshake()
    {
        using var pair = new DtlsTestPair();
        var (client, server) = await pair.HandshakeAsync();
        await client;
        await server;
        s_clientFlights = pair.ClientSent;
        s_serverFlights = pair.ServerSent;
    }

    [TestCase(DtlsRole.Server, 5000, 1)]
    [TestCase(DtlsRole.Client, 2000, 2)]
    public void MutatedHandshakeDatagrams_NeverThrow_AreAllCounted_AndNeverHang(DtlsRole victimRole, int cases, int seed)
    {
        var random = new Random(seed);
        var originals = victimRole == DtlsRole.Server ? s_clientFlights! : s_serverFlights!;
        var settled = new List<Task>();
        int victims = 0, framedByTest = 0, sinceNewVictim = 0;
        long delivered = 0, countedBefore = 0;
        DtlsTransport? victim = null;
        var watch = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < cases; i++)
            {
                // BouncyCastle sizes a message's reassembly buffer from its first fragment, so one bad length can wedge a
                // handshake for good; a fresh victim every few cases keeps the mutations reaching the message parsers.
                if (victim is null || victim.State != DtlsTransportState.Connecting || ++sinceNewVictim == MutationsPerVictim)
                {
                    sinceNewVictim = 0;
                    if (victim is not null)
                    {
                        countedBefore += Accounted(victim.Counters);
                        victim.Dispose();
                    }
                    // The real first datagram moves the victim past hello processing, so the mutations reach later messages too.
                    victim = NewVictim(victimRole, settled);
                    victim.DeliverDatagram(originals[0]);
                    delivered++;
                    victims++;
                }
                byte[] mutated = Mutate(originals[random.Next(originals.Length)], random);
                if (mutated.Length >= RecordHeaderLength)
                {
                    // A fresh record sequence number, as a live peer would use; a repeated one is dropped by the replay window.
                    mutated[9] = (byte)(i >> 8);
                    mutated[10] = (byte)i;
                }
                if (HasRecordFraming(mutated))
                    framedByTest++;

                victim.DeliverDatagram(mutated);
                delivered++;

                var current = victim;
                Assert.That(SpinWait.SpinUntil(() => current.PendingDatagrams == 0 || current.State != DtlsTransportState.Connecting, TimeSpan.FromSeconds(5)),
                    Is.True, $"case {i}: the DTLS thread stopped draining its queue");
            }
            countedBefore += Accounted(victim!.Counters);
        }
        finally
        {
            victim?.Dispose();
        }

        // Every datagram is queued or counted as dropped, except that a victim failing between the state check and the
        // delivery ignores that one datagram, as a failed transport must.
        Assert.That(countedBefore, Is.InRange(delivered - victims, delivered), "delivered datagrams went unaccounted");
        Assert.That(Task.WhenAll(settled).ContinueWith(_ => { }).Wait(TimeSpan.FromSeconds(10)), Is.True, "a handshake never settled after its transport was closed");
        Assert.That(settled.All(t => t.IsFaulted || t.IsCanceled), Is.True, "a mutated flight produced keys");
        Assert.That(framedByTest, Is.GreaterThan(cases / 2), "most mutations should reach BouncyCastle, not just the framing check");
        int refused = settled.Count(t => t.Exception?.InnerException is DtlsHandshakeException { Reason: not DtlsHandshakeFailure.Closed });
        Assert.That(refused, Is.GreaterThan(0), "no mutation was ever refused: the mutations do not reach the TLS parser");
        TestContext.Out.WriteLine($"{cases} mutations, {framedByTest} well framed, {victims} victims, {refused} refused by the parser, {watch.ElapsedMilliseconds} ms");
    }

    [Test]
    public void MutatedClientFlights_EachAgainstAFreshServer_FailCleanly()
    {
        // A server parses a handshake message once; repeats count as retransmissions. So each case replays the real
        // client datagrams up to a random point, then one mutated datagram, into a server that has seen nothing else.
        var random = new Random(5246);
        var originals = s_clientFlights!;
        int answered = 0, refused = 0;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 150; i++)
        {
            int sent = 0;
            var victim = new DtlsTransport(TestIdentities.Server, DtlsRole.Server, _ => Interlocked.Increment(ref sent), DtlsTestPair.Options(timeoutSeconds: 30));
            victim.SetRemoteFingerprint(TestIdentities.Client.Fingerprint);
            var handshake = victim.HandshakeAsync();
            int cut = random.Next(originals.Length);
            for (int k = 0; k < cut; k++)
                victim.DeliverDatagram(originals[k]);
            victim.DeliverDatagram(Mutate(originals[cut], random));
            SpinWait.SpinUntil(() => victim.PendingDatagrams == 0 || victim.State != DtlsTransportState.Connecting, TimeSpan.FromSeconds(5));
            victim.Dispose();

            // Close joins the DTLS thread, which settles the handshake before it exits.
            Assert.That(handshake.IsCompleted, Is.True, $"case {i}: the handshake did not settle on close");
            Assert.That(handshake.IsCompletedSuccessfully, Is.False, $"case {i}: a mutated flight produced keys");
            if (sent > 0)
                answered++;
            if (handshake.Exception?.InnerException is DtlsHandshakeException { Reason: not DtlsHandshakeFailure.Closed })
                refused++;
        }
        Assert.That(answered, Is.GreaterThan(0), "no case got past the ClientHello");
        Assert.That(refused, Is.GreaterThan(0), "no mutation was ever refused by the parser");
        TestContext.Out.WriteLine($"150 cases, {answered} answered, {refused} refused by the parser, {watch.ElapsedMilliseconds} ms");
    }

    [Test]
    public void RecordFramingCheck_AgreesWithAnIndependentRecordWalk()
    {
        var random = new Random(6347);
        var originals = s_clientFlights!.Concat(s_serverFlights!).ToArray();
        for (int i = 0; i < 5000; i++)
        {
            byte[] mutated = Mutate(originals[random.Next(originals.Length)], random);
            Assert.That(DtlsTransport.HasDtlsRecordFraming(mutated), Is.EqualTo(HasRecordFraming(mutated)), Convert.ToHexString(mutated));
        }
    }

    private static long Accounted(DtlsTransportCounters counters) =>
        counters.DatagramsReceived + counters.DroppedMalformed + counters.DroppedOversized + counters.DroppedQueueFull;

    private static DtlsTransport NewVictim(DtlsRole role, List<Task> settled)
    {
        var identity = role == DtlsRole.Server ? TestIdentities.Server : TestIdentities.Client;
        var victim = new DtlsTransport(identity, role, _ => { }, DtlsTestPair.Options(timeoutSeconds: 30));
        victim.SetRemoteFingerprint(role == DtlsRole.Server ? TestIdentities.Client.Fingerprint : TestIdentities.Server.Fingerprint);
        settled.Add(victim.HandshakeAsync());
        return victim;
    }

    /// <summary>
    /// One to four random edits (bit flips, byte overwrites, truncation, extension, insertion, deletion, length field
    /// rewrites), then, most of the time, record length fields repaired so the damage reaches the TLS parser.
    /// </summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        for (int edits = random.Next(1, 5); edits > 0; edits--)
        {
            int at = random.Next(Math.Max(bytes.Count, 1));
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: for (int n = random.Next(1, 64); n > 0; n--) bytes.Add((byte)random.Next(256)); break;
                case 4: bytes.Insert(at, (byte)random.Next(256)); break;
                case 5 when bytes.Count > 0: bytes.RemoveAt(at); break;
                default:
                    // Handshake message lengths (3 bytes at 14, 19 and 22 bytes into a record) and the record length.
                    int field = new[] { 11, 14, 22, 13 + 9 + 2 }[random.Next(4)];
                    if (field + 1 < bytes.Count)
                    {
                        bytes[field] = (byte)random.Next(256);
                        bytes[field + 1] = (byte)random.Next(256);
                    }
                    break;
            }
        }
        byte[] mutated = [.. bytes];
        if (random.Next(10) < 8 && mutated.Length >= RecordHeaderLength)
        {
            // Make it one record whose length field covers the rest, keeping the content type and version plausible.
            int length = mutated.Length - RecordHeaderLength;
            mutated[11] = (byte)(length >> 8);
            mutated[12] = (byte)length;
            mutated[1] = 0xFE;
        }
        return mutated;
    }

    // Test-side restatement of RFC 6347 4.1 record framing, written independently of the transport's check.
    private static bool HasRecordFraming(byte[] datagram)
    {
        int offset = 0;
        do
        {
            if (datagram.Length - offset < RecordHeaderLength || datagram[offset] < 20 || datagram[offset] > 24 || datagram[offset + 1] != 0xFE)
                return false;
            offset += RecordHeaderLength + (datagram[offset + 11] * 256 + datagram[offset + 12]);
        }
        while (offset < datagram.Length);
        return offset == datagram.Length;
    }
}
