package dev.replicagroup.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * Appends measured failover times to e2e/target/failover-times.txt, one line per failover with key=value fields
 * (bench/k8s-failover.sh turns them into percentiles in bench/REPORT.md).
 */
public final class FailoverTimes {
    private FailoverTimes() {}

    public static synchronized void record(
            String scenario, Recovery recovery, String from, String to, long term, FailoverSteps steps) {
        String line = String.format(
                "%s %-16s fault-to-first-write-ms=%d outage-ms=%d %s from=%s to=%s term=%d%n",
                Instant.now(),
                scenario,
                recovery.faultToFirstWrite().toMillis(),
                recovery.outage().toMillis(),
                steps.fields(recovery.faultToFirstWrite()),
                from,
                to,
                term);
        append(line);
    }

    /** One round of the pause test: how many failovers (FailoverStarted events, term steps) it caused. */
    public static synchronized void recordPauses(
            int pauses, int failoversStarted, long termSteps, Duration longestPause) {
        append(String.format(
                "%s %-16s pauses=%d spurious-failovers=%d term-steps=%d longest-write-pause-ms=%d%n",
                Instant.now(), "pause", pauses, failoversStarted, termSteps, longestPause.toMillis()));
    }

    private static void append(String line) {
        System.out.print("e2e: failover " + line);
        try {
            Files.writeString(
                    Settings.output().resolve("failover-times.txt"),
                    line,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
