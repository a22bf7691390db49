package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.client.ManualFailover;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "failover",
        description = "Admin: fence the primary (if it answers), promote the best helper in a new"
                + " term, and make the others follow it. List every replica of the group in --server.")
public class FailoverCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Mixin
    AdminOptions admin;

    @Option(
            names = "--sync-acks",
            defaultValue = "1",
            description = "the group's --sync-acks, for the quorum check (default: ${DEFAULT-VALUE})")
    int syncAcks;

    @Override
    public Integer call() throws Exception {
        try (AdminClient client = admin.client(servers)) {
            ManualFailover.Outcome outcome =
                    new ManualFailover(client, System.out::println).run(servers.list(), syncAcks);
            System.out.printf("new primary %s (term %d)%n", outcome.newPrimary(), outcome.term());
        }
        return 0;
    }
}
