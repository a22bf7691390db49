package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.replication.NodeConfig;
import dev.replicagroup.replica.server.ReplicaServer;
import dev.replicagroup.replica.server.ServerOptions;
import dev.replicagroup.replica.server.StorageOptions;
import dev.replicagroup.replica.server.TlsOptions;
import dev.replicagroup.replica.storage.FsyncPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        description = "Run a replica: the primary of term 1, or with --tbc a helper of a primary. With --data-dir"
                + " its state survives a restart; a replica that comes back with data is fenced until promoted.")
public class ServeCommand implements Callable<Integer> {
    @Inject
    MeterRegistry registry;

    @Option(names = "--port", defaultValue = "7000", description = "gRPC port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--bind",
            defaultValue = "0.0.0.0",
            description = "interface to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--advertise", description = "address others use to reach this replica (default: 127.0.0.1:PORT)")
    String advertise;

    @Option(names = "--tbc", defaultValue = "", description = "HOST:PORT of the primary to help (\"to be clone\")")
    String tbc;

    @Option(
            names = "--sync-acks",
            defaultValue = "1",
            description = "helper acks a write waits for before it is acknowledged (default: ${DEFAULT-VALUE})")
    int syncAcks;

    @Option(
            names = "--admin-token",
            defaultValue = "${env:REPLICA_ADMIN_TOKEN}",
            description = "token the Admin API requires (or env REPLICA_ADMIN_TOKEN)")
    String adminToken;

    @Option(names = "--admin-token-file", description = "file holding the admin token (a mounted Secret)")
    Path adminTokenFile;

    @Option(names = "--http-port", description = "port of /q/metrics (default: PORT + 1000)")
    Integer httpPort;

    @Option(
            names = "--write-timeout-ms",
            defaultValue = "5000",
            description = "how long a write waits for its acks before it fails (default: ${DEFAULT-VALUE})")
    long writeTimeoutMillis;

    @Option(
            names = "--heartbeat-ms",
            defaultValue = "100",
            description = "how often a primary heartbeats each helper (default: ${DEFAULT-VALUE})")
    long heartbeatMillis;

    @Option(
            names = "--lease-ms",
            defaultValue = "500",
            description = "a primary serves only while max(sync-acks,1)"
                    + " helpers acked a heartbeat within this long (default: ${DEFAULT-VALUE})")
    long leaseMillis;

    @Option(
            names = "--detection-ms",
            defaultValue = "800",
            description = "a helper reports its primary lost after"
                    + " hearing nothing for this long; must exceed lease + clock drift (default: ${DEFAULT-VALUE})")
    long detectionMillis;

    @Option(
            names = "--clock-drift-ms",
            defaultValue = "200",
            description = "allowance for clocks running at different rates over a lease (default: ${DEFAULT-VALUE})")
    long clockDriftMillis;

    @Option(
            names = "--max-read-staleness-ms",
            defaultValue = "5000",
            description = "the largest staleness a bounded read may ask (GetRequest.max_staleness_millis); helpers"
                    + " answer such reads when that current; 0: only the primary reads (default: ${DEFAULT-VALUE})")
    long maxReadStalenessMillis;

    @Option(
            names = "--stop-grace-ms",
            defaultValue = "3000",
            description =
                    "on SIGTERM a primary stops serving and"
                            + " waits this long at most for the failover to fence it before it exits (default: ${DEFAULT-VALUE})")
    long stopGraceMillis;

    @Option(
            names = "--data-dir",
            description = "directory for the write-ahead log, snapshots and term (default: none, memory only:"
                    + " everything is lost when the process stops)")
    Path dataDir;

    @Option(
            names = "--fsync",
            defaultValue = "batch",
            description = "always (fsync every log record) or batch (one fsync per batch of writes, group commit)"
                    + " (default: ${DEFAULT-VALUE})")
    String fsync;

    @Option(
            names = "--snapshot-every",
            defaultValue = "100000",
            description =
                    "applied entries between snapshots; the log they cover is deleted (default: ${DEFAULT-VALUE})")
    long snapshotEvery;

    @Option(
            names = "--no-bootstrap",
            description = "without --tbc and without data, start fenced in term 0 instead of as the primary of term 1"
                    + " (for a member recreated in a group that had data)")
    boolean noBootstrap;

    @Option(
            names = "--no-reflection",
            description = "do not serve gRPC server reflection (by default grpcurl can list and describe the"
                    + " services: the schema only, never data)")
    boolean noReflection;

    @Option(
            names = "--tls-cert-file",
            description = "this replica's certificate (PEM): the port then speaks TLS only, and the file is re-read"
                    + " while it runs (a renewed certificate is served without a restart)")
    Path tlsCertFile;

    @Option(names = "--tls-key-file", description = "the certificate's private key (PEM, unencrypted PKCS#8)")
    Path tlsKeyFile;

    @Option(
            names = "--tls-ca-file",
            description = "the CA certificates (PEM) that sign the group's certificates: peers must present one")
    Path tlsCaFile;

    @Option(
            names = "--tls-peer-name",
            description = "the DNS name every member's certificate holds; a peer's certificate must hold it too")
    String tlsPeerName;

    @Option(
            names = "--health-port",
            defaultValue = "0",
            description = "also serve grpc.health.v1 alone, in plaintext, on this port (for the kubelet's gRPC"
                    + " probe, which speaks no TLS); 0: none (default: ${DEFAULT-VALUE})")
    int healthPort;

    int httpPort() {
        return httpPort != null ? httpPort : port + 1000;
    }

    @Override
    public Integer call() throws IOException {
        ServerOptions options = new ServerOptions(
                bind,
                port,
                advertise == null ? "127.0.0.1:" + port : advertise,
                tbc,
                syncAcks,
                token(),
                NodeConfig.defaults()
                        .withWriteTimeout(Duration.ofMillis(writeTimeoutMillis))
                        .withTiming(
                                Duration.ofMillis(heartbeatMillis),
                                Duration.ofMillis(leaseMillis),
                                Duration.ofMillis(detectionMillis),
                                Duration.ofMillis(clockDriftMillis))
                        .withMaxReadStaleness(Duration.ofMillis(maxReadStalenessMillis)),
                new StorageOptions(dataDir, FsyncPolicy.parse(fsync), snapshotEvery),
                noBootstrap,
                !noReflection,
                new TlsOptions(tlsCertFile, tlsKeyFile, tlsCaFile, tlsPeerName),
                healthPort);
        ReplicaServer server = ReplicaServer.start(options, registry);
        try {
            Quarkus.waitForExit();
        } finally {
            server.stop(Duration.ofMillis(stopGraceMillis));
        }
        return 0;
    }

    private String token() throws IOException {
        if (adminTokenFile != null) {
            if (!Files.isReadable(adminTokenFile)) {
                throw new IllegalArgumentException("--admin-token-file " + adminTokenFile + " cannot be read");
            }
            return Files.readString(adminTokenFile).trim();
        }
        return adminToken == null ? "" : adminToken;
    }
}
