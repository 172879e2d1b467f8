using Beryl.Media.Dtls;
using Beryl.Media.Srtp;
using AlertDescription = Org.BouncyCastle.Crypto.Tls.AlertDescription;
using CipherSuite = Org.BouncyCastle.Crypto.Tls.CipherSuite;
using SrtpProtectionProfile = Beryl.Media.Srtp.SrtpProtectionProfile;

namespace Beryl.Media.Tests.Dtls;

[TestFixture]
public sealed class DtlsTransportHandshakeTests
{
    private static void AssertCrosswise(DtlsSrtpKeys client, DtlsSrtpKeys server, SrtpProtectionProfile profile)
    {
        Assert.Multiple(() =>
        {
            Assert.That(client.Profile, Is.EqualTo(profile));
            Assert.That(server.Profile, Is.EqualTo(profile));
            Assert.That(client.LocalKeys.MasterKey.Length, Is.EqualTo(SrtpProtectionProfiles.MasterKeyLength(profile)));
            Assert.That(client.LocalKeys.MasterSalt.Length, Is.EqualTo(SrtpProtectionProfiles.MasterSaltLength(profile)));
            Assert.That(client.LocalKeys.MasterKey.ToArray(), Is.EqualTo(server.RemoteKeys.MasterKey.ToArray()));
            Assert.That(client.LocalKeys.MasterSalt.ToArray(), Is.EqualTo(server.RemoteKeys.MasterSalt.ToArray()));
            Assert.That(server.LocalKeys.MasterKey.ToArray(), Is.EqualTo(client.RemoteKeys.MasterKey.ToArray()));
            Assert.That(server.LocalKeys.MasterSalt.ToArray(), Is.EqualTo(client.RemoteKeys.MasterSalt.ToArray()));
            // The two directions must never share a key or salt.
            Assert.That(client.LocalKeys.MasterKey.ToArray(), Is.Not.EqualTo(client.RemoteKeys.MasterKey.ToArray()));
            Assert.That(client.LocalKeys.MasterSalt.ToArray(), Is.Not.EqualTo(client.RemoteKeys.MasterSalt.ToArray()));
        });
    }

    [Test]
    public async Task Handshake_DerivesCrosswiseKeys_WithGcm_ExtendedMasterSecret_AndVerifiedFingerprints()
    {
        using var pair = new DtlsTestPair();
        var clientStates = new List<DtlsTransportState>();
        pair.Client.StateChanged += (_, state) => { lock (clientStates) clientStates.Add(state); };

        var (clientTask, serverTask) = await pair.HandshakeAsync();
        var client = await clientTask;
        var server = await serverTask;

        AssertCrosswise(client, server, SrtpProtectionProfile.AeadAes128Gcm);
        Assert.Multiple(() =>
        {
            Assert.That(client.ExtendedMasterSecret, Is.True);
            Assert.That(server.ExtendedMasterSecret, Is.True);
            Assert.That(client.CipherSuite, Is.EqualTo(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
            Assert.That(server.CipherSuite, Is.EqualTo(client.CipherSuite));
            Assert.That(client.RemoteFingerprint, Is.EqualTo(TestIdentities.Server.Fingerprint));
            Assert.That(server.RemoteFingerprint, Is.EqualTo(TestIdentities.Client.Fingerprint));
            Assert.That(pair.Client.State, Is.EqualTo(DtlsTransportState.Connected));
            Assert.That(pair.Server.State, Is.EqualTo(DtlsTransportState.Connected));
            Assert.That(pair.Client.Counters.HandshakeFailures, Is.Zero);
            Assert.That(pair.Server.Counters.DatagramsReceived, Is.EqualTo(pair.ClientSent.Length));
        });
        lock (clientStates)
            Assert.That(clientStates, Is.EqualTo(new[] { DtlsTransportState.Connecting, DtlsTransportState.Connected }));
    }

    [Test]
    public async Task Handshake_KeysDifferBetweenConnections()
    {
        DtlsSrtpKeys first, second;
        using (var pair = new DtlsTestPair())
            first = await (await pair.HandshakeAsync()).Client;
        using (var pair = new DtlsTestPair())
            second = await (await pair.HandshakeAsync()).Client;
        Assert.That(first.LocalKeys.MasterKey.ToArray(), Is.Not.EqualTo(second.LocalKeys.MasterKey.ToArray()));
    }

    [TestCase(new[] { SrtpProtectionProfile.Aes128CmHmacSha1_80 }, null, SrtpProtectionProfile.Aes128CmHmacSha1_80)]
    [TestCase(new[] { SrtpProtectionProfile.AeadAes128Gcm }, null, SrtpProtectionProfile.AeadAes128Gcm)]
    [TestCase(new[] { SrtpProtectionProfile.Aes128CmHmacSha1_32 }, null, SrtpProtectionProfile.Aes128CmHmacSha1_32)]
    [TestCase(new[] { SrtpProtectionProfile.Aes128CmHmacSha1_80, SrtpProtectionProfile.AeadAes128Gcm }, null, SrtpProtectionProfile.AeadAes128Gcm)]
    [TestCase(null, new[] { SrtpProtectionProfile.Aes128CmHmacSha1_80 }, SrtpProtectionProfile.Aes128CmHmacSha1_80)]
    public async Task Handshake_NegotiatesTheServersPreferredCommonProfile(SrtpProtectionProfile[]? clientProfiles, SrtpProtectionProfile[]? serverProfiles, SrtpProtectionProfile expected)
    {
        using var pair = new DtlsTestPair(
            clientOptions: DtlsTestPair.Options(profiles: clientProfiles ?? []),
            serverOptions: DtlsTestPair.Options(profiles: serverProfiles ?? []));
        var (client, server) = await pair.HandshakeAsync();
        AssertCrosswise(await client, await server, expected);
    }

    [Test]
    public async Task Handshake_WithoutCommonProfile_FailsOnBothSides()
    {
        using var pair = new DtlsTestPair(
            clientOptions: DtlsTestPair.Options(profiles: SrtpProtectionProfile.Aes128CmHmacSha1_80),
            serverOptions: DtlsTestPair.Options(profiles: SrtpProtectionProfile.AeadAes128Gcm));
        var (client, server) = await pair.HandshakeAsync();
        var serverError = Assert.ThrowsAsync<DtlsHandshakeException>(async () => await server);
        var clientError = Assert.ThrowsAsync<DtlsHandshakeException>(async () => await client);
        Assert.Multiple(() =>
        {
            Assert.That(serverError!.Reason, Is.EqualTo(DtlsHandshakeFailure.NoCommonSrtpProfile));
            // RFC 5764 4.1.1: the server leaves use_srtp out of its ServerHello, and the client notices by itself.
            Assert.That(clientError!.Reason, Is.EqualTo(DtlsHandshakeFailure.NoCommonSrtpProfile));
            Assert.That(pair.Server.State, Is.EqualTo(DtlsTransportState.Failed));
            Assert.That(pair.Client.State, Is.EqualTo(DtlsTransportState.Failed));
            Assert.That(pair.Server.Counters.HandshakeFailures, Is.EqualTo(1));
        });
    }

    [TestCase(DtlsRole.Client)]
    [TestCase(DtlsRole.Server)]
    public async Task Handshake_RefusesAPeerWhoseCertificateDoesNotMatchItsFingerprint(DtlsRole refusingSide)
    {
        using var pair = new DtlsTestPair();
        var refusing = refusingSide == DtlsRole.Client ? pair.Client : pair.Server;
        var refused = refusingSide == DtlsRole.Client ? pair.Server : pair.Client;
        refusing.SetRemoteFingerprint(TestIdentities.Stranger.Fingerprint);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        refusing.StateChanged += (_, state) =>
        {
            if (state == DtlsTransportState.Failed)
                failed.TrySetResult();
        };

        var (client, server) = await pair.HandshakeAsync();
        var refusingError = Assert.ThrowsAsync<DtlsHandshakeException>(async () => await (refusingSide == DtlsRole.Client ? client : server));
        var refusedError = Assert.ThrowsAsync<DtlsHandshakeException>(async () => await (refusingSide == DtlsRole.Client ? server : client));
        await failed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Multiple(() =>
        {
            Assert.That(refusingError!.Reason, Is.EqualTo(DtlsHandshakeFailure.RemoteFingerprintMismatch));
            Assert.That(refusingError.Message, Does.Contain(TestIdentities.Stranger.Fingerprint.ToString()));
            Assert.That(refusingError.AlertDescription, Is.EqualTo(AlertDescription.bad_certificate));
            Assert.That(refusing.State, Is.EqualTo(DtlsTransportState.Failed));
            Assert.That(refusing.Counters.FingerprintMismatches, Is.EqualTo(1));
            Assert.That(refusing.Counters.HandshakeFailures, Is.EqualTo(1));
            Assert.That(refusedError!.Reason, Is.EqualTo(DtlsHandshakeFailure.AlertReceived));
            Assert.That(refusedError.AlertDescription, Is.EqualTo(AlertDescription.bad_certificate));
            Assert.That(refused.Counters.FingerprintMismatches, Is.Zero);
        });
    }

    [Test]
    public async Task Handshake_AcceptsAnyOfSeveralSignalledFingerprints_InAnyAlgorithm()
    {
        using var pair = new DtlsTestPair();
        var serverDer = TestIdentities.Server.ExportCertificate();
        var sha512 = DtlsFingerprint.Compute(DtlsFingerprintAlgorithm.Sha512, serverDer);
        pair.Client.SetRemoteFingerprints([TestIdentities.Stranger.Fingerprint, sha512]);
        var (client, server) = await pair.HandshakeAsync();
        Assert.That((await client).RemoteFingerprint, Is.EqualTo(sha512));
        await server;
    }

    [Test]
    public async Task Handshake_WithoutRemoteFingerprint_IsRefused()
    {
        using var pair = new DtlsTestPair(
            clientOptions: DtlsTestPair.Options(timeoutSeconds: 10),
            serverOptions: DtlsTestPair.Options(timeoutSeconds: 1),
            setFingerprints: false);
        pair.Client.SetRemoteFingerprint(TestIdentities.Server.Fingerprint);
        var (client, server) = await pair.HandshakeAsync();
        var serverError = Assert.ThrowsAsync<DtlsHandshakeException>(async () => await server);
        var clientError = Assert.ThrowsAsync<DtlsHandshakeException>(async () => await client);
        Assert.Multiple(() =>
        {
            Assert.That(serverError!.Reason, Is.EqualTo(DtlsHandshakeFailure.RemoteFingerprintMissing));
            Assert.That(clientError!.Reason, Is.EqualTo(DtlsHandshakeFailure.AlertReceived), "the server must tell the client why");
            Assert.That(clientError.AlertDescription, Is.EqualTo(AlertDescription.bad_certificate));
            Assert.That(pair.Server.State, Is.EqualTo(DtlsTransportState.Failed));
            Assert.That(pair.Client.State, Is.EqualTo(DtlsTransportState.Failed));
        });
    }

    [Test]
    public async Task Handshake_WaitsForAFingerprintThatArrivesDuringTheHandshake()
    {
        DtlsTransport? server = null;
        var fingerprintSent = 0;
        // The client's second flight carries its certificate: the server can only be waiting by then.
        using var pair = new DtlsTestPair(setFingerprints: false, filter: (direction, index, datagram) =>
        {
            if (direction == Direction.ServerToClient && index == 1 && Interlocked.Exchange(ref fingerprintSent, 1) == 0)
                _ = Task.Run(() => server!.SetRemoteFingerprint(TestIdentities.Client.Fingerprint));
            return true;
        });
        server = pair.Server;
        pair.Client.SetRemoteFingerprint(TestIdentities.Server.Fingerprint);
        var (client, serverTask) = await pair.HandshakeAsync();
        AssertCrosswise(await client, await serverTask, SrtpProtectionProfile.AeadAes128Gcm);
    }
}
