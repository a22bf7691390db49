package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.replication.NodeStatus;
import dev.replicagroup.replica.replication.ReplicaException;
import picocli.CommandLine.Command;

@Command(name = "promote", description = "Admin: make the replica the primary of TERM (above every term it has seen,"
        + " or the term it was fenced in).")
public class PromoteCommand extends TermCommand {
    @Override
    NodeStatus apply(AdminClient client, String address) throws ReplicaException {
        return client.promote(address, term);
    }
}
