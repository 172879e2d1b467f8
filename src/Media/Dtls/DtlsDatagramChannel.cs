using Org.BouncyCastle.Crypto.Tls;

namespace Beryl.Media.Dtls;

/// <summary>
/// BouncyCastle's view of the network: a bounded queue the ICE receive thread fills with preallocated copies of
/// DTLS datagrams, drained by the DTLS thread with a timeout; sends go straight to the ICE layer's callback.
/// </summary>
internal sealed class DtlsDatagramChannel : DatagramTransport
{
    private readonly object _gate = new();
    private readonly byte[][] _slots;
    private readonly int[] _lengths;
    private readonly int _mtu;
    private readonly Action<ReadOnlyMemory<byte>> _send;
    private int _head;
    private int _count;
    private bool _shutDown;
    private long _sent;

    public DtlsDatagramChannel(int capacity, int maxDatagramSize, int mtu, Action<ReadOnlyMemory<byte>> send)
    {
        _slots = new byte[capacity][];
        for (int i = 0; i < capacity; i++)
            _slots[i] = new byte[maxDatagramSize];
        _lengths = new int[capacity];
        _mtu = mtu;
        _send = send;
    }

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Datagrams queued and not yet read.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
                return _count;
        }
    }

    public enum EnqueueResult
    {
        Queued,
        Full,
        ShutDown,
    }

    /// <summary>Copies <paramref name="datagram"/> (at most the receive limit long) into a free slot.</summary>
    public EnqueueResult TryEnqueue(ReadOnlySpan<byte> datagram)
    {
        lock (_gate)
        {
            if (_shutDown)
                return EnqueueResult.ShutDown;
            if (_count == _slots.Length)
                return EnqueueResult.Full;
            int tail = (_head + _count) % _slots.Length;
            datagram.CopyTo(_slots[tail]);
            _lengths[tail] = datagram.Length;
            if (_count++ == 0)
                Monitor.Pulse(_gate);
            return EnqueueResult.Queued;
        }
    }

    /// <summary>
    /// Wakes the DTLS thread for good: from now on <see cref="Receive"/> throws (aborting a running handshake) and
    /// <see cref="Send"/> drops, so nothing more reaches the peer once the owner has let go.
    /// </summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            _shutDown = true;
            Monitor.PulseAll(_gate);
        }
    }

    public int GetReceiveLimit() => _slots[0].Length;

    public int GetSendLimit() => _mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis)
    {
        // Like a socket receive timeout, zero (or less) waits until data arrives or the channel shuts down.
        bool forever = waitMillis <= 0;
        lock (_gate)
        {
            long deadline = Environment.TickCount64 + waitMillis;
            while (_count == 0)
            {
                if (_shutDown)
                    throw new IOException("DTLS transport closed");
                long remaining = deadline - Environment.TickCount64;
                if (forever)
                    Monitor.Wait(_gate);
                else if (remaining <= 0)
                    return -1;
                else
                    Monitor.Wait(_gate, (int)remaining);
            }
            if (_shutDown)
                throw new IOException("DTLS transport closed");
            // Like a UDP socket, a datagram longer than the buffer is truncated; BouncyCastle then drops the record.
            int length = Math.Min(_lengths[_head], len);
            Buffer.BlockCopy(_slots[_head], 0, buf, off, length);
            _head = (_head + 1) % _slots.Length;
            _count--;
            return length;
        }
    }

    public void Send(byte[] buf, int off, int len)
    {
        lock (_gate)
        {
            if (_shutDown)
                return;
        }
        _send(new ReadOnlyMemory<byte>(buf, off, len));
        Interlocked.Increment(ref _sent);
    }

    // BouncyCastle calls this once its record layer is done (after any close_notify or fatal alert went out).
    public void Close() => ShutDown();
}
