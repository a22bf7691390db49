package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.ReplicaClient;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "servers", description = "GETSERVERS: the Active List, most live first: ADDRESS<TAB>ROLE<TAB>LIVENESS.")
public class ServersCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Override
    public Integer call() throws Exception {
        try (ReplicaClient client = servers.connect()) {
            client.servers()
                    .servers()
                    .forEach(s -> System.out.printf(
                            "%s\t%s\t%d%n", s.address(), s.role().name().toLowerCase(Locale.ROOT), s.liveness()));
        }
        return 0;
    }
}
