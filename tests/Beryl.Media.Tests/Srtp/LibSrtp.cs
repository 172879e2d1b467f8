using System.Runtime.InteropServices;
using Beryl.Media.Srtp;

namespace Beryl.Media.Tests.Srtp;

/// <summary>
/// One libsrtp 2.x session (Debian libsrtp2-1, <c>libsrtp2.so.1</c>) for cross-checks; the policy layout is
/// srtp.h's <c>srtp_policy_t</c> of libsrtp 2.5 on a 64-bit (LP64) ABI.
/// </summary>
internal sealed unsafe partial class LibSrtp : IDisposable
{
    private const string Library = "libsrtp2.so.1";
    private const int SsrcAnyInbound = 2;
    private const int SsrcAnyOutbound = 3;
    private const int AuthenticationOnly = 2;

    private static readonly Lazy<string?> LoadProblem = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, typeof(LibSrtp).Assembly, null, out _))
            return $"{Library} cannot be loaded (apt-get install libsrtp2-1)";
        int status = srtp_init();
        return status == 0 ? null : $"srtp_init failed with {status}";
    });

    private nint _session;

    /// <summary>A session protecting (outbound) or unprotecting (inbound) any SSRC with <paramref name="keys"/>.</summary>
    /// <param name="keys">Master key and salt.</param>
    /// <param name="outbound">Protect rather than unprotect.</param>
    /// <param name="encryptRtcp">False sends SRTCP authenticated but not encrypted (E flag clear).</param>
    public LibSrtp(SrtpKeyingMaterial keys, bool outbound, bool encryptRtcp = true)
    {
        var policy = new Policy { SsrcType = outbound ? SsrcAnyOutbound : SsrcAnyInbound, WindowSize = 128 };
        Check(srtp_crypto_policy_set_from_profile_for_rtp(ref policy.Rtp, (int)keys.Profile), "rtp policy");
        Check(srtp_crypto_policy_set_from_profile_for_rtcp(ref policy.Rtcp, (int)keys.Profile), "rtcp policy");
        if (!encryptRtcp)
            policy.Rtcp.SecurityServices = AuthenticationOnly;
        byte[] key = [.. keys.MasterKey.Span, .. keys.MasterSalt.Span];
        fixed (byte* k = key)
        {
            policy.Key = (nint)k;
            Check(srtp_create(out _session, policy), "srtp_create");
        }
    }

    /// <summary>Why libsrtp cannot be used here, or null when it can.</summary>
    public static string? UnavailableReason => LoadProblem.Value;

    /// <summary>srtp_protect / srtp_protect_rtcp in place; <paramref name="length"/> becomes the protected length. 0 is success.</summary>
    public int Protect(byte[] buffer, ref int length, bool rtcp)
    {
        fixed (byte* b = buffer)
            return rtcp ? srtp_protect_rtcp(_session, b, ref length) : srtp_protect(_session, b, ref length);
    }

    /// <summary>srtp_unprotect / srtp_unprotect_rtcp in place. 0 is success.</summary>
    public int Unprotect(byte[] buffer, ref int length, bool rtcp)
    {
        fixed (byte* b = buffer)
            return rtcp ? srtp_unprotect_rtcp(_session, b, ref length) : srtp_unprotect(_session, b, ref length);
    }

    public void Dispose()
    {
        if (_session != 0)
            srtp_dealloc(_session);
        _session = 0;
    }

    private static void Check(int status, string what)
    {
        if (status != 0)
            throw new InvalidOperationException($"libsrtp {what} failed with {status}");
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct CryptoPolicy
    {
        public int CipherType;
        public int CipherKeyLength;
        public int AuthType;
        public int AuthKeyLength;
        public int AuthTagLength;
        public int SecurityServices;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Policy
    {
        public int SsrcType;
        public uint SsrcValue;
        public CryptoPolicy Rtp;
        public CryptoPolicy Rtcp;
        public nint Key;
        public nint Keys;
        public nuint NumMasterKeys;
        public nint DeprecatedEkt;
        public nuint WindowSize;
        public int AllowRepeatTx;
        public nint EncryptedExtensionHeaders;
        public int EncryptedExtensionHeaderCount;
        public nint Next;
    }

    [LibraryImport(Library)]
    private static partial int srtp_init();

    [LibraryImport(Library)]
    private static partial int srtp_create(out nint session, in Policy policy);

    [LibraryImport(Library)]
    private static partial int srtp_dealloc(nint session);

    [LibraryImport(Library)]
    private static partial int srtp_crypto_policy_set_from_profile_for_rtp(ref CryptoPolicy policy, int profile);

    [LibraryImport(Library)]
    private static partial int srtp_crypto_policy_set_from_profile_for_rtcp(ref CryptoPolicy policy, int profile);

    [LibraryImport(Library)]
    private static partial int srtp_protect(nint session, byte* packet, ref int length);

    [LibraryImport(Library)]
    private static partial int srtp_unprotect(nint session, byte* packet, ref int length);

    [LibraryImport(Library)]
    private static partial int srtp_protect_rtcp(nint session, byte* packet, ref int length);

    [LibraryImport(Library)]
    private static partial int srtp_unprotect_rtcp(nint session, byte* packet, ref int length);
}
