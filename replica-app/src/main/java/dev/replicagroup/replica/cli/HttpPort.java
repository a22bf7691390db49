package dev.replicagroup.replica.cli;

import picocli.CommandLine;

/** Decides, before Quarkus starts, whether it serves HTTP and on which port. */
final class HttpPort {
    private HttpPort() {}

    static void configure(String... args) {
        ServeCommand serve = serveCommand(args);
        if (serve == null) {
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "WARN"));
        } else {
            System.setProperty("quarkus.http.port", Integer.toString(serve.httpPort()));
        }
    }

    private static ServeCommand serveCommand(String... args) {
        try {
            CommandLine.ParseResult parsed =
                    ReplicaCommand.commandLine(CommandLine.defaultFactory()).parseArgs(args);
            if (parsed.subcommand() != null
                    && parsed.subcommand().commandSpec().userObject() instanceof ServeCommand s) {
                return s;
            }
        } catch (CommandLine.ParameterException e) {
            // The command itself reports bad arguments once Quarkus runs it.
        }
        return null;
    }
}
