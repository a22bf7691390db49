package dev.replicagroup.replica.grpc;

import dev.replicagroup.replica.tls.Pem;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a channel reaches replicas: in plaintext, or over TLS trusting a CA. Replicas are dialled by pod IP, which no
 * certificate names, so a TLS channel checks the server's certificate against a fixed {@code serverName} (sent as
 * the authority and SNI) instead of the address: a name the group's certificate holds, such as its Service's.
 */
public final class ChannelSecurity {
    private static final ChannelSecurity PLAINTEXT = new ChannelSecurity(InsecureChannelCredentials.create(), null);

    private final ChannelCredentials credentials;
    /** The name the server's certificate must hold; null: the address's host (plaintext has none). */
    private final String serverName;

    private ChannelSecurity(ChannelCredentials credentials, String serverName) {
        this.credentials = credentials;
        this.serverName = serverName;
    }

    public static ChannelSecurity plaintext() {
        return PLAINTEXT;
    }

    /** TLS with {@code credentials} (trust, and for a member its own certificate), checking {@code serverName}. */
    public static ChannelSecurity tls(ChannelCredentials credentials, String serverName) {
        if (serverName == null || serverName.isBlank()) {
            throw new IllegalArgumentException("a TLS channel to replicas needs the name their certificate holds");
        }
        return new ChannelSecurity(credentials, serverName);
    }

    /** TLS trusting the CA certificates of a PEM bundle (the group's {@code ca.crt}). */
    public static ChannelSecurity trusting(String caPem, String serverName) {
        return tls(
                TlsChannelCredentials.newBuilder()
                        .trustManager(trustManagers(Pem.certificates(caPem)))
                        .build(),
                serverName);
    }

    /** TLS trusting the CA certificates in {@code caFile}; the error names the file. */
    public static ChannelSecurity trusting(Path caFile, String serverName) {
        try {
            return trusting(Files.readString(caFile, StandardCharsets.US_ASCII), serverName);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot read the CA certificates in " + caFile + ": " + e.getMessage(), e);
        }
    }

    public boolean tls() {
        return serverName != null;
    }

    NettyChannelBuilder builder(String address) {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(address, credentials);
        return serverName == null ? builder : builder.overrideAuthority(serverName);
    }

    private static TrustManager[] trustManagers(List<X509Certificate> authorities) {
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("no CA certificate to trust");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store: " + e.getMessage(), e);
        }
    }
}
