package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.ReplicaClient;
import dev.replicagroup.replica.core.WriteResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "put", description = "Write KEY=VALUE through the primary; prints the (term, seq) it got.")
public class PutCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;

    @Override
    public Integer call() throws Exception {
        try (ReplicaClient client = servers.connect()) {
            WriteResult r = client.put(key, value.getBytes(StandardCharsets.UTF_8));
            System.out.printf("OK term=%d seq=%d%n", r.term(), r.seq());
        }
        return 0;
    }
}
