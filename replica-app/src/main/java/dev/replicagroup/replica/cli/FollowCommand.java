package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.server.Addresses;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "follow", description = "Admin: make the replica a helper of PRIMARY, the primary of TERM.")
public class FollowCommand extends TermCommand {
    @Option(names = "--primary", required = true, paramLabel = "HOST:PORT")
    String primary;

    @Override
    NodeStatus apply(AdminClient client, String address) throws ReplicaException {
        return client.follow(address, Addresses.check(primary, "--primary"), term);
    }
}
