package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.grpc.ChannelSecurity;
import dev.replicagroup.replica.server.Addresses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The --server option every client command takes. */
public class Servers {
    @Option(
            names = {"-s", "--server"},
            defaultValue = "${env:REPLICA_SERVERS:-127.0.0.1:7000}",
            description =
                    "HOST:PORT[,HOST:PORT...] of any replicas (default: ${DEFAULT-VALUE}, or env REPLICA_SERVERS)")
    String servers;

    @Option(
            names = "--timeout",
            defaultValue = "30",
            description = "seconds an operation keeps retrying across failovers (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(
            names = "--tls-ca-file",
            defaultValue = "${env:REPLICA_TLS_CA_FILE}",
            description = "connect over TLS, trusting the CA certificates in this PEM file (a group's ca.crt;"
                    + " or env REPLICA_TLS_CA_FILE)")
    Path tlsCaFile;

    @Option(
            names = "--tls-server-name",
            description = "the name the replicas' certificate must hold (default: the host of the first --server;"
                    + " replicas found through it are dialled by address and checked against this name)")
    String tlsServerName;

    List<String> list() {
        return Addresses.parseList(servers, "--server");
    }

    ClientOptions options() {
        return ClientOptions.defaults()
                .withDeadline(Duration.ofSeconds(timeoutSeconds))
                .withSecurity(security());
    }

    ChannelSecurity security() {
        if (tlsCaFile == null) {
            if (tlsServerName != null) {
                throw new IllegalArgumentException("--tls-server-name needs --tls-ca-file (the CA to trust)");
            }
            return ChannelSecurity.plaintext();
        }
        return ChannelSecurity.trusting(tlsCaFile, tlsServerName != null ? tlsServerName : host(list().get(0)));
    }

    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    ReplicaClient connect() {
        return ReplicaClient.connect(list(), options());
    }
}
