package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.server.Addresses;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "follow", description = "Admin: make the replica a helper of PRIMARY, the primary of TERM.")
public class FollowCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Mixin
    AdminOptions admin;

    @Option(names = "--primary", required = true, paramLabel = "HOST:PORT")
    String primary;

    @Option(names = "--term", required = true)
    long term;

    @Override
    public Integer call() throws Exception {
        Addresses.check(primary, "--primary");
        try (AdminClient client = admin.client()) {
            StatusCommand.print(client.follow(servers.list().get(0), primary, term));
        }
        return 0;
    }
}
