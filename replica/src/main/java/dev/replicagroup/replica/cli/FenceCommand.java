package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "fence", description = "Admin: stop the replica acting as primary from TERM on (it takes no writes).")
public class FenceCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Mixin
    AdminOptions admin;

    @Option(names = "--term", required = true)
    long term;

    @Override
    public Integer call() throws Exception {
        try (AdminClient client = admin.client()) {
            StatusCommand.print(client.fence(servers.list().get(0), term));
        }
        return 0;
    }
}
