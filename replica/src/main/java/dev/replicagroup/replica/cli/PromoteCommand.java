package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "promote", description = "Admin: make the replica the primary of TERM (above every term it has seen).")
public class PromoteCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Mixin
    AdminOptions admin;

    @Option(names = "--term", required = true)
    long term;

    @Override
    public Integer call() throws Exception {
        try (AdminClient client = admin.client()) {
            StatusCommand.print(client.promote(servers.list().get(0), term));
        }
        return 0;
    }
}
