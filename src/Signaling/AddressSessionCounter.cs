using System.Collections.Concurrent;
using System.Net;

namespace Beryl.Signaling;

/// <summary>Counts the signaling sessions open per client address, so one address cannot take the whole node.</summary>
internal sealed class AddressSessionCounter(int limit)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    /// <summary>Opens a session for <paramref name="address"/> unless it already has <c>limit</c>; dispose the lease to close it.</summary>
    public bool TryOpen(IPAddress address, out IDisposable? lease)
    {
        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        while (true)
        {
            int count = _open.GetValueOrDefault(address);
            if (count >= limit)
            {
                lease = null;
                return false;
            }
            bool taken = count == 0 ? _open.TryAdd(address, 1) : _open.TryUpdate(address, count + 1, count);
            if (taken)
            {
                lease = new Lease(this, address);
                return true;
            }
        }
    }

    /// <summary>Sessions open for <paramref name="address"/>.</summary>
    public int OpenFor(IPAddress address) => _open.GetValueOrDefault(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private void Close(IPAddress address)
    {
        while (true)
        {
            int count = _open[address];
            if (count == 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(address, 1)) : _open.TryUpdate(address, count - 1, count))
                return;
        }
    }

    private sealed class Lease(AddressSessionCounter owner, IPAddress address) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Close(address);
        }
    }
}
