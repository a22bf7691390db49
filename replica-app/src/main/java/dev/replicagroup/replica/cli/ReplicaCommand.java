package dev.replicagroup.replica.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "replica",
        mixinStandardHelpOptions = true,
        version = "replica 0.1.0",
        description = "A ReplicaGroup replica: the replicated key-value server, its client and its admin tool.",
        subcommands = {
            ServeCommand.class,
            PutCommand.class,
            GetCommand.class,
            DelCommand.class,
            EchoCommand.class,
            ServersCommand.class,
            StatusCommand.class,
            PromoteCommand.class,
            FollowCommand.class,
            FenceCommand.class,
            FailoverCommand.class,
            LoadCommand.class
        })
public class ReplicaCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static CommandLine commandLine(CommandLine.IFactory factory) {
        return new CommandLine(ReplicaCommand.class, factory).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
