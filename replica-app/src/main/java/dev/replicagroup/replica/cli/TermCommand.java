package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** An admin command that moves one replica (the first --server) to a term, and prints its status after. */
abstract class TermCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Mixin
    AdminOptions admin;

    @Option(names = "--term", required = true)
    long term;

    abstract NodeStatus apply(AdminClient client, String address) throws ReplicaException;

    @Override
    public Integer call() throws Exception {
        try (AdminClient client = admin.client(servers)) {
            StatusCommand.print(apply(client, servers.list().get(0)));
        }
        return 0;
    }
}
