package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import picocli.CommandLine.Command;

@Command(
        name = "fence",
        description = "Admin: from TERM on, the replica ignores every primary of a lower term; a"
                + " primary stops taking writes.")
public class FenceCommand extends TermCommand {
    @Override
    NodeStatus apply(AdminClient client, String address) throws ReplicaException {
        return client.fence(address, term);
    }
}
