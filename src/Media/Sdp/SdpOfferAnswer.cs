using System.Globalization;

namespace Beryl.Media.Sdp;

/// <summary>
/// JSEP offer/answer (RFC 8829, RFC 3264) for one audio m-line, as pure functions. Policy:
/// <list type="bullet">
/// <item>Only DTLS-SRTP RTP profiles (<c>.../RTP/SAVPF</c>, <c>.../RTP/SAVP</c>) carry audio.</item>
/// <item>rtcp-mux is required (RFC 8829 "require" policy): we listen on one port only.</item>
/// <item>ICE credentials (of RFC 8839 length and characters), a fingerprint and a setup role are required, at media or session level.</item>
/// <item>The answer lists the common codecs in the offerer's order, as RFC 3264 section 6.1 recommends, so the
/// codec used is the offerer's favourite among ours; payload types are the offerer's; fmtp is ours where we
/// have one for the codec, else the offerer's.</item>
/// <item>We answer <c>actpass</c> with <c>active</c> (DTLS client, as Chrome does), <c>active</c> with
/// <c>passive</c> and <c>passive</c> with <c>active</c>; <c>holdconn</c> is refused.</item>
/// <item>Every section but the accepted audio one is rejected: port 0, no attributes but its mid, left out of BUNDLE.</item>
/// </list>
/// </summary>
public static class SdpOfferAnswer
{
    /// <summary>The profile offers use.</summary>
    public const string Protocol = "UDP/TLS/RTP/SAVPF";

    /// <summary>Builds an offer with one audio section and a BUNDLE group of it.</summary>
    /// <exception cref="ArgumentException">Missing credentials, fingerprint or codecs, or an offer setup other than actpass.</exception>
    public static SdpSessionDescription CreateOffer(LocalAudioParameters local)
    {
        CheckLocal(local);
        if (local.Setup != SdpSetupRole.ActPass)
            throw new ArgumentException("an offer's setup is actpass (RFC 5763 section 5)", nameof(local));
        var media = CreateAudioSection(local, local.Codecs, local.Mid, local.Direction, SdpSetupRole.ActPass, local.AudioLevelExtensionId, rtcpReducedSize: true);
        return CreateSession(local, media, bundleMid: local.Mid);
    }

    /// <summary>
    /// Answers a remote offer: accepts its first usable audio section and rejects every other one. Never throws
    /// on anything in the offer.
    /// </summary>
    /// <param name="offer">The remote offer.</param>
    /// <param name="local">Our parameters (<see cref="LocalAudioParameters.Setup"/> and <see cref="LocalAudioParameters.Mid"/> are not used: both follow the offer).</param>
    /// <param name="answer">The answer, or null on failure.</param>
    /// <param name="audio">What the offer settles, or null on failure.</param>
    /// <param name="error">Why the offer cannot be answered.</param>
    /// <exception cref="ArgumentException">Our own parameters are incomplete.</exception>
    public static bool TryCreateAnswer(
        SdpSessionDescription offer, LocalAudioParameters local,
        out SdpSessionDescription? answer, out NegotiatedAudio? audio, out string? error)
    {
        CheckLocal(local);
        answer = null;
        if (!TryGetNegotiatedAudio(offer, local.Codecs, out audio, out error))
            return false;
        if (audio!.Setup == SdpSetupRole.HoldConn)
        {
            audio = null;
            error = "the offer's a=setup is holdconn: no DTLS connection to make";
            return false;
        }

        var offered = offer.MediaDescriptions[audio.MediaIndex];
        var answerCodecs = AnswerCodecs(offered, local, audio);
        var accepted = CreateAudioSection(
            local, answerCodecs, audio.Mid, AnswerDirection(audio.Direction, local.Direction), AnswerSetup(audio.Setup),
            audio.AudioLevelExtensionId, audio.RtcpReducedSize);
        accepted.Protocol = offered.Protocol;

        var bundle = offer.GetGroup("BUNDLE");
        answer = CreateSession(local, null, bundleMid: audio.Mid is not null && bundle is not null && bundle.Contains(audio.Mid) ? audio.Mid : null);
        for (int i = 0; i < offer.MediaDescriptions.Count; i++)
            answer.MediaDescriptions.Add(i == audio.MediaIndex ? accepted : Rejected(offer.MediaDescriptions[i]));
        return true;
    }

    /// <summary>
    /// Reads the audio section a remote offer or answer settles: the first audio section with a usable port,
    /// a DTLS-SRTP RTP profile and a codec in <paramref name="supportedCodecs"/>. Never throws.
    /// </summary>
    /// <param name="remote">The remote offer or answer.</param>
    /// <param name="supportedCodecs">Codecs we can use (payload types are ignored; names, rates and channels match).</param>
    /// <param name="audio">The result, or null on failure.</param>
    /// <param name="error">What is missing.</param>
    public static bool TryGetNegotiatedAudio(
        SdpSessionDescription remote, IReadOnlyList<SdpCodec> supportedCodecs, out NegotiatedAudio? audio, out string? error)
    {
        audio = null;
        error = null;
        for (int index = 0; index < remote.MediaDescriptions.Count; index++)
        {
            var media = remote.MediaDescriptions[index];
            if (media.Media != "audio" || (media.Port == 0 && !media.HasAttribute("bundle-only")) || !IsSecureRtp(media.Protocol))
                continue;
            var codecs = CommonCodecs(media, supportedCodecs);
            if (codecs.Count == 0)
                continue;
            error = ReadTransport(remote, media, out var transport);
            if (error is not null)
                return false;

            int? telephoneEvent = TelephoneEvent(media, supportedCodecs, codecs[0].ClockRate);
            audio = new NegotiatedAudio(
                index, media.Mid, codecs[0], codecs, telephoneEvent,
                transport.Ufrag, transport.Pwd, transport.Fingerprint, transport.Setup,
                media.Candidates, media.EndOfCandidates, media.Ssrcs.FirstOrDefault()?.Ssrc,
                media.Direction ?? remote.Direction ?? SdpDirection.SendRecv,
                media.Extmaps.FirstOrDefault(e => e.Uri == Rtp.RtpAudioLevel.Uri)?.Id,
                media.RtcpReducedSize);
            return true;
        }

        error = "no audio m-line with a DTLS-SRTP profile (UDP/TLS/RTP/SAVPF) and a codec in common";
        return false;
    }

    /// <summary>Our setup role in an answer to <paramref name="offered"/>.</summary>
    public static SdpSetupRole AnswerSetup(SdpSetupRole offered) => offered switch
    {
        SdpSetupRole.Active => SdpSetupRole.Passive,
        SdpSetupRole.HoldConn => SdpSetupRole.HoldConn,
        _ => SdpSetupRole.Active, // actpass or passive: we are the DTLS client
    };

    /// <summary>Our direction in an answer (RFC 3264 section 6.1): we send only if they receive, receive only if they send.</summary>
    public static SdpDirection AnswerDirection(SdpDirection offered, SdpDirection local)
    {
        bool theySend = offered is SdpDirection.SendRecv or SdpDirection.SendOnly;
        bool theyReceive = offered is SdpDirection.SendRecv or SdpDirection.RecvOnly;
        bool weSend = theyReceive && local is SdpDirection.SendRecv or SdpDirection.SendOnly;
        bool weReceive = theySend && local is SdpDirection.SendRecv or SdpDirection.RecvOnly;
        return (weSend, weReceive) switch
        {
            (true, true) => SdpDirection.SendRecv,
            (true, false) => SdpDirection.SendOnly,
            (false, true) => SdpDirection.RecvOnly,
            _ => SdpDirection.Inactive,
        };
    }

    private static bool IsSecureRtp(string protocol) =>
        protocol.EndsWith("RTP/SAVPF", StringComparison.Ordinal) || protocol.EndsWith("RTP/SAVP", StringComparison.Ordinal);

    private readonly record struct Transport(string Ufrag, string Pwd, string Fingerprint, SdpSetupRole Setup);

    private static string? ReadTransport(SdpSessionDescription session, SdpMediaDescription media, out Transport transport)
    {
        transport = default;
        string? ufrag = media.IceUfrag ?? session.IceUfrag;
        string? pwd = media.IcePwd ?? session.IcePwd;
        string? fingerprint = media.Fingerprint ?? session.Fingerprint;
        SdpSetupRole? setup = media.Setup ?? session.Setup;
        string where = media.Mid is null ? "the audio m-line" : $"the audio m-line (mid {media.Mid})";
        if (ufrag is null || pwd is null)
            return $"{where} has no a=ice-ufrag/a=ice-pwd, at media or session level";
        if (!IsIceCredential(ufrag, 4) || !IsIceCredential(pwd, 22))
            return $"{where} has ICE credentials outside RFC 8839 (ufrag 4..256, pwd 22..256 characters of A-Z a-z 0-9 + /)";
        if (fingerprint is null)
            return $"{where} has no a=fingerprint, at media or session level";
        if (setup is null)
            return $"{where} has no a=setup (RFC 5763 requires it)";
        if (!media.RtcpMux)
            return $"{where} has no a=rtcp-mux; RTP and RTCP on separate ports are not supported";
        transport = new Transport(ufrag, pwd, fingerprint, setup.Value);
        return null;
    }

    /// <summary>The offered codecs we support, in the remote's order, with the remote's payload types and fmtp.</summary>
    private static List<SdpCodec> CommonCodecs(SdpMediaDescription media, IReadOnlyList<SdpCodec> supported)
    {
        var common = new List<SdpCodec>();
        foreach (string format in media.Formats)
        {
            if (!SdpText.TryParseInt(format, 0, 127, out int payloadType) || media.GetRtpMap(payloadType) is not SdpRtpMap map)
                continue;
            if (supported.Any(c => !c.IsTelephoneEvent && c.Matches(map)))
                common.Add(new SdpCodec(payloadType, map.EncodingName, map.ClockRate, map.Channels, media.GetFormatParameters(format)));
        }

        return common;
    }

    private static int? TelephoneEvent(SdpMediaDescription media, IReadOnlyList<SdpCodec> supported, int preferredClockRate)
    {
        var offered = media.Formats
            .Select(f => SdpText.TryParseInt(f, 0, 127, out int pt) ? media.GetRtpMap(pt) : null)
            .Where(m => m is not null && supported.Any(c => c.IsTelephoneEvent && c.Matches(m)))
            .ToList();
        return (offered.FirstOrDefault(m => m!.ClockRate == preferredClockRate) ?? offered.FirstOrDefault())?.PayloadType;
    }

    private static List<SdpCodec> AnswerCodecs(SdpMediaDescription offered, LocalAudioParameters local, NegotiatedAudio audio)
    {
        var codecs = new List<SdpCodec>();
        foreach (var codec in audio.Codecs)
        {
            var ours = local.Codecs.First(c => c.Matches(codec.ToRtpMap()));
            codecs.Add(codec with { FormatParameters = ours.FormatParameters ?? codec.FormatParameters });
        }

        if (audio.TelephoneEventPayloadType is int eventType && offered.GetRtpMap(eventType) is SdpRtpMap eventMap)
            codecs.Add(new SdpCodec(eventType, eventMap.EncodingName, eventMap.ClockRate, eventMap.Channels, offered.GetFormatParameters(eventType.ToString(CultureInfo.InvariantCulture))));
        return codecs;
    }

    private static SdpMediaDescription Rejected(SdpMediaDescription offered)
    {
        var rejected = new SdpMediaDescription(offered.Media, 0, offered.Protocol, offered.Formats) { Connection = SdpConnection.Unspecified };
        if (offered.Mid is string mid)
            rejected.AddAttribute("mid", mid);
        return rejected;
    }

    private static SdpSessionDescription CreateSession(LocalAudioParameters local, SdpMediaDescription? media, string? bundleMid)
    {
        var inv = CultureInfo.InvariantCulture;
        var session = new SdpSessionDescription(new SdpOrigin("-", local.SessionId.ToString(inv), local.SessionVersion.ToString(inv), "IN", "IP4", "127.0.0.1"))
        {
            Timing = new SdpTiming(0, 0),
        };
        if (bundleMid is not null)
            session.AddAttribute("group", "BUNDLE " + bundleMid);
        session.AddAttribute("msid-semantic", " WMS " + local.StreamId); // Chrome's spelling, space included
        if (media is not null)
            session.MediaDescriptions.Add(media);
        return session;
    }

    private static SdpMediaDescription CreateAudioSection(
        LocalAudioParameters local, IReadOnlyList<SdpCodec> codecs, string? mid, SdpDirection direction, SdpSetupRole setup,
        int? audioLevelId, bool rtcpReducedSize)
    {
        var inv = CultureInfo.InvariantCulture;
        var (connection, port) = DefaultAddress(local.Candidates);
        var media = new SdpMediaDescription("audio", port, Protocol, codecs.Select(c => c.PayloadType.ToString(inv))) { Connection = connection };
        media.AddAttribute("ice-ufrag", local.IceUfrag);
        media.AddAttribute("ice-pwd", local.IcePwd);
        media.AddAttribute("ice-options", "trickle");
        media.AddAttribute("fingerprint", local.Fingerprint);
        media.AddAttribute("setup", SdpText.ToText(setup));
        if (mid is not null)
            media.AddAttribute("mid", mid);
        if (audioLevelId is int id)
            media.AddAttribute("extmap", new SdpExtmap(id, Rtp.RtpAudioLevel.Uri).ToString());
        media.SetDirection(direction);
        bool sending = direction is SdpDirection.SendRecv or SdpDirection.SendOnly;
        if (sending)
            media.AddAttribute("msid", $"{local.StreamId} {local.TrackId}");
        media.AddAttribute("rtcp-mux");
        if (rtcpReducedSize)
            media.AddAttribute("rtcp-rsize");
        foreach (var codec in codecs)
        {
            media.AddAttribute("rtpmap", codec.ToRtpMap().ToString());
            if (codec.FormatParameters is not null)
                media.AddAttribute("fmtp", codec.PayloadType.ToString(inv) + " " + codec.FormatParameters);
        }

        if (sending)
            media.AddAttribute("ssrc", new SdpSsrc(local.Ssrc, "cname", local.Cname).ToString());
        foreach (string candidate in local.Candidates)
            media.AddAttribute("candidate", candidate.StartsWith("candidate:", StringComparison.Ordinal) ? candidate["candidate:".Length..] : candidate);
        if (local.EndOfCandidates)
            media.AddAttribute("end-of-candidates");
        return media;
    }

    /// <summary>
    /// The m= port and c= address: the first component-1 candidate's (JSEP section 5.3.1), or the
    /// 9 / 0.0.0.0 placeholder while there is none.
    /// </summary>
    private static (SdpConnection Connection, int Port) DefaultAddress(IReadOnlyList<string> candidates)
    {
        foreach (string candidate in candidates)
        {
            // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
            string[] fields = candidate.Split(' ');
            if (fields.Length >= 6 && fields[1] == "1" && SdpText.TryParseInt(fields[5], 1, 65535, out int port) && fields[4].Length > 0)
                return (new SdpConnection("IN", fields[4].Contains(':') ? "IP6" : "IP4", fields[4]), port);
        }

        return (SdpConnection.Unspecified, 9);
    }

    private static bool IsIceCredential(string? text, int minLength) =>
        text is not null && text.Length >= minLength && text.Length <= 256 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');

    private static void CheckLocal(LocalAudioParameters local)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (!IsIceCredential(local.IceUfrag, 4) || !IsIceCredential(local.IcePwd, 22))
            throw new ArgumentException("ICE ufrag is 4..256 and pwd 22..256 characters of A-Z a-z 0-9 + / (RFC 8839)", nameof(local));
        if (local.Fingerprint.Split(' ') is not [{ Length: > 0 }, { Length: > 0 }])
            throw new ArgumentException("the fingerprint is '<hash function> <hex pairs>', e.g. 'sha-256 AB:CD:...'", nameof(local));
        if (!local.Codecs.Any(c => !c.IsTelephoneEvent))
            throw new ArgumentException("at least one audio codec is needed", nameof(local));
    }
}
