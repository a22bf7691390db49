package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "promote",
        description = "Admin: make the replica the primary of TERM (above every term it has seen,"
                + " or the term it was fenced in).")
public class PromoteCommand extends TermCommand {
    @Option(
            names = "--holdoff-ms",
            description =
                    "serve only this long after the promotion, while the old primary's"
                            + " lease may still run (default: the replica's lease + clock drift; 0 when the old primary is fenced)")
    Long holdoffMillis;

    @Override
    NodeStatus apply(AdminClient client, String address) throws ReplicaException {
        long holdoff = holdoffMillis != null ? holdoffMillis : defaultHoldoff(client.status(address));
        return client.promote(address, term, holdoff);
    }

    private static long defaultHoldoff(NodeStatus status) {
        return (long) status.timing().leaseMillis() + status.timing().clockDriftMillis();
    }
}
