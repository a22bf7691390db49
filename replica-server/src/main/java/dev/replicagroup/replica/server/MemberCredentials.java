package dev.replicagroup.replica.server;

import dev.replicagroup.replica.grpc.ChannelSecurity;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.Closeable;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A member's TLS identity and trust, read from its files and re-read every {@link #RELOAD}: the server's
 * certificate, and the same certificate presented on the streams it opens to its peers. Handshakes after a reload
 * use the new files; open connections keep the session they have, so a rotation drops no stream.
 */
final class MemberCredentials implements AutoCloseable {
    /** Kubelet updates a mounted Secret within about a minute; this adds little to that. */
    static final Duration RELOAD = Duration.ofSeconds(10);

    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    private final AdvancedTlsX509TrustManager trust;
    private final ScheduledExecutorService reloader;
    private final List<Closeable> reloads;
    private final String peerName;

    private MemberCredentials(TlsOptions options, Duration reload) throws IOException, GeneralSecurityException {
        this.peerName = options.peerName();
        // Chain checks only here: the server must not match a client's certificate to the client's address (the
        // peer check compares its names to peerName); a channel checks the server's names against its authority.
        this.trust = AdvancedTlsX509TrustManager.newBuilder().build();
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-tls-reload");
            t.setDaemon(true);
            return t;
        });
        try {
            long every = reload.toMillis();
            this.reloads = List.of(
                    keys.updateIdentityCredentials(
                            options.certFile().toFile(),
                            options.keyFile().toFile(),
                            every,
                            TimeUnit.MILLISECONDS,
                            reloader),
                    trust.updateTrustCredentials(options.caFile().toFile(), every, TimeUnit.MILLISECONDS, reloader));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            reloader.shutdownNow();
            throw e;
        }
    }

    static MemberCredentials load(TlsOptions options) throws IOException {
        return load(options, RELOAD);
    }

    static MemberCredentials load(TlsOptions options, Duration reload) throws IOException {
        try {
            return new MemberCredentials(options, reload);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(
                    "cannot use the TLS files (--tls-cert-file " + options.certFile() + ", --tls-key-file "
                            + options.keyFile() + ", --tls-ca-file " + options.caFile() + "): " + e.getMessage()
                            + " (PEM certificates and an unencrypted PKCS#8 key are expected)",
                    e);
        }
    }

    /** TLS only; a client certificate is asked for but optional: clients need none, peers must have one. */
    ServerCredentials server() {
        return TlsServerCredentials.newBuilder()
                .keyManager(keys)
                .trustManager(trust)
                .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
                .build();
    }

    /** The streams to peers: this member's certificate, the group's CA, and the peers' name. */
    ChannelSecurity peers() {
        return ChannelSecurity.tls(
                TlsChannelCredentials.newBuilder()
                        .keyManager(keys)
                        .trustManager(trust)
                        .build(),
                peerName);
    }

    String peerName() {
        return peerName;
    }

    @Override
    public void close() {
        for (Closeable reload : reloads) {
            try {
                reload.close();
            } catch (IOException e) {
                // Only stops a scheduled task; nothing to recover.
            }
        }
        reloader.shutdownNow();
    }
}
