package dev.replicagroup.replica.server;

import dev.replicagroup.replica.grpc.ChannelSecurity;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A member's TLS identity and trust, read from its files and re-read every {@link #RELOAD}: the server's
 * certificate, and the same certificate presented on the streams it opens to its peers. Handshakes after a reload
 * use the new files; open connections keep the session they have, so a rotation drops no stream. The reload is ours,
 * not grpc-util's file watcher: that one re-reads at most once a minute and only when both files' modification
 * times moved, and would serve a new certificate with an old key if the files were written one by one.
 */
final class MemberCredentials implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MemberCredentials.class);

    /** Kubelet updates a mounted Secret within about a minute; this adds little to that. */
    static final Duration RELOAD = Duration.ofSeconds(10);

    private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
    // Chain checks only here: the server must not match a client's certificate to the client's address (the peer
    // check compares its names to peerName); a channel checks the server's names against its authority.
    private final AdvancedTlsX509TrustManager trust =
            AdvancedTlsX509TrustManager.newBuilder().build();
    private final TlsOptions options;
    private final ScheduledExecutorService reloader;
    private final ScheduledFuture<?> reloads;
    private TlsMaterial installed;
    private TlsMaterial refused;

    private MemberCredentials(TlsOptions options, Duration reload) throws IOException, GeneralSecurityException {
        this.options = options;
        this.installed = TlsMaterial.read(options);
        installed.install(keys, trust);
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replica-tls-reload");
            t.setDaemon(true);
            return t;
        });
        this.reloads = reloader.scheduleWithFixedDelay(
                this::reload, reload.toMillis(), reload.toMillis(), TimeUnit.MILLISECONDS);
    }

    static MemberCredentials load(TlsOptions options) throws IOException {
        try {
            return new MemberCredentials(options, RELOAD);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(
                    "cannot use the TLS files (--tls-cert-file " + options.certFile() + ", --tls-key-file "
                            + options.keyFile() + ", --tls-ca-file " + options.caFile() + "): " + e.getMessage()
                            + " (PEM certificates and an unencrypted PKCS#8, PKCS#1 or SEC1 key are expected)",
                    e);
        }
    }

    /** Runs on the reloader only. A bad read keeps what is served and is logged once per distinct content. */
    private void reload() {
        TlsMaterial read;
        try {
            read = TlsMaterial.read(options);
        } catch (IOException e) {
            LOG.warnf("TLS files not re-read, still serving the previous ones: %s", e.toString());
            return;
        }
        if (read.equals(installed) || read.equals(refused)) {
            return;
        }
        try {
            read.install(keys, trust);
            installed = read;
            refused = null;
            LOG.infof("TLS files changed: new handshakes use them (%s)", options.certFile());
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // RuntimeException too: one escaping would end the schedule, and with it every later rotation.
            refused = read;
            LOG.warnf(
                    "TLS files changed but cannot be used, still serving the previous ones until they change again: %s",
                    e.getMessage());
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
                options.peerName());
    }

    String peerName() {
        return options.peerName();
    }

    @Override
    public void close() {
        reloads.cancel(false);
        reloader.shutdownNow();
    }
}
