namespace Beryl.Media.Srtp;

/// <summary>
/// RFC 3711 section 3.3.2 sliding replay window over the last <see cref="Size"/> packet indices of one stream.
/// Bit k of the mask is set when index <c>Highest - k</c> has been accepted.
/// </summary>
internal struct ReplayWindow
{
    /// <summary>Indices the window remembers behind the highest one.</summary>
    public const int Size = 128;

    private UInt128 _mask;
    private ulong _highest;
    private bool _started;

    /// <summary>The highest index accepted so far (meaningless before the first).</summary>
    public readonly ulong Highest => _highest;

    /// <summary>Whether <paramref name="index"/> may be accepted: new, or inside the window and not yet seen.</summary>
    public readonly SrtpStatus Check(ulong index)
    {
        if (!_started || index > _highest)
            return SrtpStatus.Ok;
        ulong behind = _highest - index;
        if (behind >= Size)
            return SrtpStatus.TooOld;
        return (_mask & (UInt128.One << (int)behind)) != UInt128.Zero ? SrtpStatus.Replayed : SrtpStatus.Ok;
    }

    /// <summary>Records an authenticated index that passed <see cref="Check"/>.</summary>
    public void Accept(ulong index)
    {
        if (!_started)
        {
            _started = true;
            _highest = index;
            _mask = UInt128.One;
            return;
        }

        if (index > _highest)
        {
            ulong ahead = index - _highest;
            _mask = ahead >= Size ? UInt128.Zero : _mask << (int)ahead;
            _mask |= UInt128.One;
            _highest = index;
            return;
        }

        _mask |= UInt128.One << (int)(_highest - index);
    }
}
