using Beryl.Media.Dtls;

namespace Beryl.Media.Tests.Dtls;

/// <summary>Identities shared by the tests; sharing them across concurrent connections is part of the contract.</summary>
internal static class TestIdentities
{
    public static readonly DtlsCertificate Client = DtlsCertificate.Generate("beryl-client");
    public static readonly DtlsCertificate Server = DtlsCertificate.Generate("beryl-server");
    public static readonly DtlsCertificate Stranger = DtlsCertificate.Generate("stranger");
}

/// <summary>Which way a datagram travels in a <see cref="DtlsTestPair"/>.</summary>
internal enum Direction
{
    ClientToServer,
    ServerToClient,
}

/// <summary>
/// A client and a server transport joined by an in-memory datagram link. A filter sees every datagram (with its
/// per-direction index) and decides whether it is delivered; every sent datagram is recorded.
/// </summary>
internal sealed class DtlsTestPair : IDisposable
{
    public delegate bool DatagramFilter(Direction direction, int index, ReadOnlySpan<byte> datagram);

    private readonly DatagramFilter? _filter;
    private readonly object _gate = new();
    private readonly List<byte[]> _clientSent = [];
    private readonly List<byte[]> _serverSent = [];

    public DtlsTestPair(DtlsTransportOptions? clientOptions = null, DtlsTransportOptions? serverOptions = null,
        DatagramFilter? filter = null, bool setFingerprints = true)
    {
        _filter = filter;
        Client = new DtlsTransport(TestIdentities.Client, DtlsRole.Client, d => Forward(Direction.ClientToServer, d), clientOptions ?? Options());
        Server = new DtlsTransport(TestIdentities.Server, DtlsRole.Server, d => Forward(Direction.ServerToClient, d), serverOptions ?? Options());
        if (setFingerprints)
        {
            Client.SetRemoteFingerprint(TestIdentities.Server.Fingerprint);
            Server.SetRemoteFingerprint(TestIdentities.Client.Fingerprint);
        }
    }

    public DtlsTransport Client { get; }

    public DtlsTransport Server { get; }

    /// <summary>Copies of every datagram the client sent, in order.</summary>
    public byte[][] ClientSent
    {
        get
        {
            lock (_gate)
                return [.. _clientSent];
        }
    }

    /// <summary>Copies of every datagram the server sent, in order.</summary>
    public byte[][] ServerSent
    {
        get
        {
            lock (_gate)
                return [.. _serverSent];
        }
    }

    public static DtlsTransportOptions Options(double timeoutSeconds = 15, params Beryl.Media.Srtp.SrtpProtectionProfile[] profiles) => profiles.Length == 0
        ? new DtlsTransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(timeoutSeconds) }
        : new DtlsTransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(timeoutSeconds), SrtpProfiles = profiles };

    /// <summary>Starts both handshakes and waits for both to settle, whatever the outcome.</summary>
    public async Task<(Task<DtlsSrtpKeys> Client, Task<DtlsSrtpKeys> Server)> HandshakeAsync()
    {
        var server = Server.HandshakeAsync();
        var client = Client.HandshakeAsync();
        // WhenAny of the one WhenAll task completes when both settle, whether they succeed or fail.
        await Task.WhenAny(Task.WhenAll(client, server)).WaitAsync(TimeSpan.FromSeconds(30));
        return (client, server);
    }

    private void Forward(Direction direction, ReadOnlyMemory<byte> datagram)
    {
        int index;
        lock (_gate)
        {
            var sent = direction == Direction.ClientToServer ? _clientSent : _serverSent;
            index = sent.Count;
            sent.Add(datagram.ToArray());
        }
        if (_filter is null || _filter(direction, index, datagram.Span))
            (direction == Direction.ClientToServer ? Server : Client).DeliverDatagram(datagram.Span);
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
