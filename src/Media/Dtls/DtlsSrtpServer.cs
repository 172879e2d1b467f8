using System.Collections;
using Org.BouncyCastle.Crypto.Tls;
using TlsCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace Beryl.Media.Dtls;

/// <summary>The BouncyCastle server peer: DTLS 1.2, ECDHE-ECDSA, extended master secret required, use_srtp, client certificate required.</summary>
internal sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly DtlsSrtpNegotiation _negotiation;

    public DtlsSrtpServer(DtlsSrtpNegotiation negotiation) => _negotiation = negotiation;

    protected override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv12;

    protected override ProtocolVersion MaximumVersion => ProtocolVersion.DTLSv12;

    protected override int[] GetCipherSuites() => DtlsSrtpNegotiation.CipherSuites;

    public override bool RequiresExtendedMasterSecret() => true;

    protected override TlsSignerCredentials GetECDsaSignerCredentials() =>
        _negotiation.CreateSignerCredentials(mContext, mSupportedSignatureAlgorithms)
        ?? throw new TlsFatalAlert(AlertDescription.handshake_failure);

    public override void ProcessClientExtensions(IDictionary clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        _negotiation.ChooseProfile(clientExtensions);
    }

    public override IDictionary GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        if (_negotiation.CreateAnswer() is { } answer)
            TlsSRTPUtils.AddUseSrtpExtension(extensions, answer);
        return extensions;
    }

    public override IList GetServerSupplementalData()
    {
        _negotiation.RequireSelectedProfile();
        return base.GetServerSupplementalData();
    }

    // Mutual authentication: the client's certificate is what its SDP fingerprint vouches for.
    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], DtlsSrtpNegotiation.AcceptedSignatureAlgorithms(), null);

    public override void NotifyClientCertificate(TlsCertificate clientCertificate) => _negotiation.VerifyRemoteCertificate(clientCertificate);

    public override void NotifyHandshakeComplete() => _negotiation.ExportKeys(mContext);

    public override void NotifyAlertReceived(byte alertLevel, byte alertDescription) => _negotiation.NotifyAlertReceived(alertLevel, alertDescription);
}
