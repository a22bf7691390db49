package dev.replicagroup.replica.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

/**
 * One jar, many commands. Only {@code serve} needs the HTTP server (for /q/metrics), on the port it was
 * given; every other command runs with HTTP off, so client commands never hold a port.
 */
@QuarkusMain
public class Main implements QuarkusApplication {
    @Inject
    CommandLine.IFactory factory;

    public static void main(String... args) {
        HttpPort.configure(args);
        Quarkus.run(Main.class, args);
    }

    @Override
    public int run(String... args) {
        return ReplicaCommand.commandLine(factory).execute(args);
    }
}
