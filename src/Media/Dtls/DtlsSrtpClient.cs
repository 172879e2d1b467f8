using System.Collections;
using Org.BouncyCastle.Crypto.Tls;
using TlsCertificate = Org.BouncyCastle.Crypto.Tls.Certificate;

namespace Beryl.Media.Dtls;

/// <summary>The BouncyCastle client peer: DTLS 1.2, ECDHE-ECDSA, extended master secret required, use_srtp offer, answers the certificate request.</summary>
internal sealed class DtlsSrtpClient : DefaultTlsClient
{
    private readonly DtlsSrtpNegotiation _negotiation;

    public DtlsSrtpClient(DtlsSrtpNegotiation negotiation) => _negotiation = negotiation;

    public override ProtocolVersion ClientVersion => ProtocolVersion.DTLSv12;

    public override ProtocolVersion MinimumVersion => ProtocolVersion.DTLSv12;

    public override int[] GetCipherSuites() => DtlsSrtpNegotiation.CipherSuites;

    public override bool RequiresExtendedMasterSecret() => true;

    public override IDictionary GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        if (!TlsExtensionsUtilities.HasExtendedMasterSecretExtension(extensions))
            TlsExtensionsUtilities.AddExtendedMasterSecretExtension(extensions);
        TlsSRTPUtils.AddUseSrtpExtension(extensions, _negotiation.CreateOffer());
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        _negotiation.AcceptAnswer(serverExtensions);
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete() => _negotiation.ExportKeys(mContext);

    public override void NotifyAlertReceived(byte alertLevel, byte alertDescription) => _negotiation.NotifyAlertReceived(alertLevel, alertDescription);

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsCertificate serverCertificate) => client._negotiation.VerifyRemoteCertificate(serverCertificate);

        public TlsCredentials? GetClientCredentials(CertificateRequest certificateRequest) =>
            client._negotiation.CreateSignerCredentials(client.mContext, certificateRequest.SupportedSignatureAlgorithms);
    }
}
