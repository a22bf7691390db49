package dev.replicagroup.replica.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS on the replica's port, or none. With it the port speaks TLS only: clients check the certificate against
 * {@code caFile}, and members authenticate each other by it (mutual TLS: a peer's stream must present a
 * certificate from the same CA that holds {@code peerName}). The files are re-read while the replica runs, so a
 * renewed certificate (a Secret updated in place) is served without a restart.
 *
 * @param certFile the replica's certificate (PEM; the chain up to the CA may follow)
 * @param keyFile  its private key (PEM, PKCS#8)
 * @param caFile   the CA certificates that sign the group's certificates (PEM bundle)
 * @param peerName the DNS name every member's certificate holds; checked on peers' streams in both directions
 */
public record TlsOptions(Path certFile, Path keyFile, Path caFile, String peerName) {
    private static final TlsOptions NONE = new TlsOptions(null, null, null, null);

    public TlsOptions {
        boolean any = certFile != null || keyFile != null || caFile != null || peerName != null;
        if (any) {
            require(certFile, "--tls-cert-file");
            require(keyFile, "--tls-key-file");
            require(caFile, "--tls-ca-file");
            if (peerName == null || peerName.isBlank()) {
                throw new IllegalArgumentException("TLS needs --tls-peer-name: the DNS name every member's"
                        + " certificate holds (the operator passes <group>-peers.<namespace>.svc)");
            }
        }
    }

    public static TlsOptions none() {
        return NONE;
    }

    public boolean enabled() {
        return certFile != null;
    }

    private static void require(Path file, String option) {
        if (file == null) {
            throw new IllegalArgumentException("TLS needs " + option
                    + " too: --tls-cert-file, --tls-key-file, --tls-ca-file and --tls-peer-name go together");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read");
        }
    }
}
