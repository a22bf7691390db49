package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.AdminClient;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.status.ReplicaException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "status", description = "Admin: each replica's role, term, log position, helpers and liveness table.")
public class StatusCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Mixin
    AdminOptions admin;

    @Override
    public Integer call() {
        int failures = 0;
        try (AdminClient client = admin.client(servers)) {
            for (String server : servers.list()) {
                try {
                    print(client.status(server));
                } catch (ReplicaException e) {
                    System.out.println(server + ": " + e.getMessage());
                    failures++;
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }

    static void print(NodeStatus s) {
        System.out.printf(
                "%s: %s term=%d last=%s commit=%d applied=%d primary=%s caughtUp=%s syncAcks=%d%n",
                s.address(),
                s.role().name().toLowerCase(Locale.ROOT),
                s.term(),
                s.last(),
                s.commitSeq(),
                s.appliedSeq(),
                s.primary().isEmpty() ? "-" : s.primary(),
                s.caughtUp(),
                s.syncAcks());
        s.helpers()
                .forEach(h -> System.out.printf(
                        "  helper %s acked=%d lag=%d connected=%s%n",
                        h.address(), h.ackedSeq(), h.lag(), h.connected()));
        s.liveness().forEach(e -> System.out.printf("  liveness %s %d%n", e.getKey(), e.getValue()));
        if (!s.problem().isEmpty()) {
            System.out.println("  problem: " + s.problem());
        }
    }
}
