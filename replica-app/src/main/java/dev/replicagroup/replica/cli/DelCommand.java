package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.WriteResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "del", description = "Delete KEY through the primary.")
public class DelCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Override
    public Integer call() throws Exception {
        try (ReplicaClient client = servers.connect()) {
            WriteResult r = client.delete(key);
            System.out.printf("%s term=%d seq=%d%n", r.existed() ? "DELETED" : "ABSENT", r.term(), r.seq());
        }
        return 0;
    }
}
