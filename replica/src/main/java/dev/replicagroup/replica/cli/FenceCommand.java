package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.replication.NodeStatus;
import dev.replicagroup.replica.replication.ReplicaException;
import picocli.CommandLine.Command;

@Command(name = "fence", description = "Admin: from TERM on, the replica ignores every primary of a lower term; a"
        + " primary stops taking writes.")
public class FenceCommand extends TermCommand {
    @Override
    NodeStatus apply(AdminClient client, String address) throws ReplicaException {
        return client.fence(address, term);
    }
}
