package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.ClientOptions;
import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.server.Addresses;
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

    List<String> list() {
        return Addresses.parseList(servers, "--server");
    }

    ClientOptions options() {
        return ClientOptions.defaults().withDeadline(Duration.ofSeconds(timeoutSeconds));
    }

    ReplicaClient connect() {
        return ReplicaClient.connect(list(), options());
    }
}
