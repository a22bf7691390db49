package dev.replicagroup.replica.cli;

import dev.replicagroup.replica.client.ReplicaClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "echo", description = "ECHO: the primary sends TEXT back.")
public class EchoCommand implements Callable<Integer> {
    @Mixin
    Servers servers;

    @Parameters(index = "0", paramLabel = "TEXT")
    String text;

    @Override
    public Integer call() throws Exception {
        try (ReplicaClient client = servers.connect()) {
            System.out.println(client.echo(text));
        }
        return 0;
    }
}
