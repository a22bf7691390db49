package dev.replicagroup.replica.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the linearizability checker (tools/lincheck, a Go program using Porcupine) on a history file written by
 * {@link HistoryFile}. The binary is the one {@code RG_LINCHECK} (environment) or {@code lincheck.binary} (system
 * property) names, else tools/lincheck/target/lincheck of the ReplicaGroup checkout around the working directory,
 * built there with scripts/lincheck.sh when missing or older than its sources.
 */
public final class LinearizabilityCheck {
    /** How long building the checker may take (the first build downloads Porcupine from the Go module proxy). */
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    private static final String HOW_TO_BUILD = "build it in a ReplicaGroup checkout with scripts/lincheck.sh build"
            + " (needs Go) and name tools/lincheck/target/lincheck in RG_LINCHECK";

    private final Path binary;

    private LinearizabilityCheck(Path binary) {
        this.binary = binary;
    }

    /** The checker at {@code binary}. */
    public static LinearizabilityCheck at(Path binary) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(
                    "the linearizability checker " + binary + " is not an executable file; " + HOW_TO_BUILD);
        }
        return new LinearizabilityCheck(binary);
    }

    /** The checker named by RG_LINCHECK / lincheck.binary, else the checkout's (built now if need be). */
    public static LinearizabilityCheck find() throws IOException, InterruptedException {
        String named =
                Optional.ofNullable(System.getProperty("lincheck.binary")).orElse(System.getenv("RG_LINCHECK"));
        if (named != null && !named.isBlank()) {
            return at(Path.of(named));
        }
        Path here = Path.of("").toAbsolutePath();
        return inCheckout(checkout(here)
                .orElseThrow(() -> new IllegalStateException("no linearizability checker: RG_LINCHECK is not set and "
                        + here + " is not inside a ReplicaGroup checkout; " + HOW_TO_BUILD)));
    }

    /** The checker of the checkout at {@code root}, built now if missing or older than its sources. */
    public static LinearizabilityCheck inCheckout(Path root) throws IOException, InterruptedException {
        Path binary = root.resolve("tools/lincheck/target/lincheck");
        if (outdated(binary, root.resolve("tools/lincheck"))) {
            build(root);
        }
        return at(binary);
    }

    /** The directory at or above {@code from} that holds tools/lincheck. */
    static Optional<Path> checkout(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("tools/lincheck/go.mod"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static boolean outdated(Path binary, Path sources) throws IOException {
        if (!Files.exists(binary)) {
            return true;
        }
        long built = Files.getLastModifiedTime(binary).toMillis();
        try (Stream<Path> files = Files.list(sources)) {
            return files.filter(f -> f.toString().endsWith(".go")
                            || f.getFileName().toString().startsWith("go."))
                    .anyMatch(f -> f.toFile().lastModified() > built);
        }
    }

    private static void build(Path root) throws IOException, InterruptedException {
        Path log = Files.createTempFile("lincheck-build", ".log");
        Process build = new ProcessBuilder(root.resolve("scripts/lincheck.sh").toString(), "build")
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = build.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!done) {
            build.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        if (!done || build.exitValue() != 0) {
            throw new IllegalStateException("building the linearizability checker (scripts/lincheck.sh build) "
                    + (done ? "failed" : "took longer than " + BUILD_TIMEOUT) + ":\n" + output);
        }
    }

    /**
     * What the checker said. {@code exitCode} 0: linearizable; 1: not ({@code output} names the key and the
     * operations, {@code visualization} is Porcupine's HTML); 2: bad input; 3: undecided within the timeout.
     */
    public record Result(int exitCode, String output, Path report, Path visualization, Duration took) {
        public boolean linearizable() {
            return exitCode == 0;
        }
    }

    /**
     * Checks {@code history}; the checker's output is also kept next to it (HISTORY.lincheck.txt), and when the
     * history is not linearizable so is the visualization (HISTORY.html). The checker gives up after {@code
     * timeout} (exit 3); the process is killed if it runs much longer.
     */
    public Result check(Path history, Duration timeout) throws IOException, InterruptedException {
        String name = history.getFileName().toString().replaceFirst("\\.jsonl$", "");
        Path report = history.resolveSibling(name + ".lincheck.txt");
        Path html = history.resolveSibling(name + ".html");
        long began = System.nanoTime();
        Process checker = new ProcessBuilder(List.of(
                        binary.toString(),
                        "-timeout",
                        timeout.toMillis() + "ms",
                        "-html",
                        html.toString(),
                        history.toString()))
                .redirectErrorStream(true)
                .redirectOutput(report.toFile())
                .start();
        if (!checker.waitFor(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
            checker.destroyForcibly();
            throw new IllegalStateException(
                    "the linearizability checker did not end within " + timeout + " + 30 s on " + history);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        return new Result(checker.exitValue(), Files.readString(report, StandardCharsets.UTF_8), report, html, took);
    }
}
