package dev.replicagroup.replica.server;

import dev.replicagroup.replica.tls.Pem;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The text of a member's three TLS files and what it parses to. Kept as text so a reload can tell a change from
 * the same files read again, whatever their modification times say (a Secret volume swaps a symlink).
 */
record TlsMaterial(String certificatePem, String keyPem, String caPem) {
    private static final byte[] CHALLENGE = "replicagroup key check".getBytes(StandardCharsets.US_ASCII);

    static TlsMaterial read(TlsOptions options) throws IOException {
        return new TlsMaterial(
                Files.readString(options.certFile(), StandardCharsets.US_ASCII),
                Files.readString(options.keyFile(), StandardCharsets.US_ASCII),
                Files.readString(options.caFile(), StandardCharsets.US_ASCII));
    }

    /**
     * Puts the parsed files into the managers every handshake reads. Refused, changing nothing, when the key is not
     * the certificate's: half of a rotation must not be served.
     */
    void install(AdvancedTlsX509KeyManager keys, AdvancedTlsX509TrustManager trust)
            throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = Pem.certificates(certificatePem);
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("the certificate file holds no PEM certificate");
        }
        List<X509Certificate> authorities = Pem.certificates(caPem);
        if (authorities.isEmpty()) {
            throw new GeneralSecurityException("the CA file holds no PEM certificate");
        }
        PrivateKey key = Pem.privateKey(keyPem);
        if (!belongTogether(key, chain.get(0).getPublicKey())) {
            throw new GeneralSecurityException("the private key does not belong to the certificate");
        }
        trust.updateTrustCredentials(authorities.toArray(X509Certificate[]::new));
        keys.updateIdentityCredentials(chain.toArray(X509Certificate[]::new), key);
    }

    private static boolean belongTogether(PrivateKey key, PublicKey certified) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default ->
                throw new GeneralSecurityException(
                        "unsupported private key algorithm " + key.getAlgorithm() + " (use EC, RSA or Ed25519)");
        };
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(CHALLENGE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certified);
        } catch (InvalidKeyException e) {
            return false;
        }
        verifier.update(CHALLENGE);
        return verifier.verify(signature);
    }
}
