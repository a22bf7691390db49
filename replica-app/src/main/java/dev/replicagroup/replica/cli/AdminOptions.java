package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The --admin-token option every admin command takes. */
public class AdminOptions {
    @Option(
            names = "--admin-token",
            defaultValue = "${env:REPLICA_ADMIN_TOKEN}",
            description = "the replicas' admin token (or env REPLICA_ADMIN_TOKEN)")
    String token;

    AdminClient client(Servers servers) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("admin commands need --admin-token or REPLICA_ADMIN_TOKEN");
        }
        return new AdminClient(token, Duration.ofSeconds(5), servers.security());
    }
}
