package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.ReplicaClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = "Read keys from the primary; prints KEY<TAB>VALUE a line (empty value if absent).")
public class GetCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Parameters(arity = "1..*", paramLabel = "KEY")
    List<String> keys;

    @Override
    public Integer call() throws Exception {
        try (ReplicaClient client = servers.connect()) {
            client.get(keys)
                    .forEach((key, value) -> System.out.println(key + "\t"
                            + value.map(v -> new String(v, StandardCharsets.UTF_8))
                                    .orElse("")));
        }
        return 0;
    }
}
