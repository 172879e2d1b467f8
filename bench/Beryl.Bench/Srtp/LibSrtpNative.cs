using System.Runtime.InteropServices;

namespace Beryl.Bench.Srtp;

/// <summary>
/// P/Invoke declarations for Debian's <c>libsrtp2.so.1</c> (package libsrtp2-1, libsrtp 2.5). Structures
/// follow srtp.h's <c>srtp_crypto_policy_t</c> and <c>srtp_policy_t</c> on a 64-bit (LP64) ABI.
/// </summary>
internal static unsafe partial class LibSrtpNative
{
    public const string Library = "libsrtp2.so.1";

    /// <summary>srtp.h: ssrc_any_inbound.</summary>
    public const int SsrcAnyInbound = 2;

    /// <summary>srtp.h: ssrc_any_outbound.</summary>
    public const int SsrcAnyOutbound = 3;

    private static readonly Lazy<string?> LoadProblem = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, typeof(LibSrtpNative).Assembly, null, out _))
            return $"{Library} not found: install libsrtp2-1 (apt-get install libsrtp2-1) to get the libsrtp columns.";
        int status = srtp_init();
        return status == 0 ? null : $"srtp_init failed with {status}";
    });

    /// <summary>True when the library can be loaded and initialised.</summary>
    public static bool IsAvailable => LoadProblem.Value is null;

    /// <summary>Why the library cannot be used, or null.</summary>
    public static string? UnavailableReason => LoadProblem.Value;

    [StructLayout(LayoutKind.Sequential)]
    public struct CryptoPolicy
    {
        public int CipherType;
        public int CipherKeyLength;
        public int AuthType;
        public int AuthKeyLength;
        public int AuthTagLength;
        public int SecurityServices;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Policy
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

    /// <summary>A session for any SSRC in one direction; <paramref name="profile"/> is the IANA SRTP profile number.</summary>
    public static nint Create(int profile, ReadOnlySpan<byte> keyAndSalt, bool outbound)
    {
        var policy = new Policy { SsrcType = outbound ? SsrcAnyOutbound : SsrcAnyInbound, WindowSize = 128 };
        if (srtp_crypto_policy_set_from_profile_for_rtp(ref policy.Rtp, profile) != 0
            || srtp_crypto_policy_set_from_profile_for_rtcp(ref policy.Rtcp, profile) != 0)
            throw new ArgumentException($"libsrtp does not know profile {profile}");
        fixed (byte* key = keyAndSalt)
        {
            policy.Key = (nint)key;
            int status = srtp_create(out nint session, policy);
            return status == 0 ? session : throw new InvalidOperationException($"srtp_create failed with {status}");
        }
    }

    [LibraryImport(Library)]
    public static partial int srtp_init();

    [LibraryImport(Library)]
    public static partial int srtp_create(out nint session, in Policy policy);

    [LibraryImport(Library)]
    public static partial int srtp_dealloc(nint session);

    [LibraryImport(Library)]
    public static partial int srtp_crypto_policy_set_from_profile_for_rtp(ref CryptoPolicy policy, int profile);

    [LibraryImport(Library)]
    public static partial int srtp_crypto_policy_set_from_profile_for_rtcp(ref CryptoPolicy policy, int profile);

    [LibraryImport(Library)]
    public static partial int srtp_protect(nint session, byte* packet, ref int length);

    [LibraryImport(Library)]
    public static partial int srtp_unprotect(nint session, byte* packet, ref int length);
}
