package dev.replicagroup.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Appends measured failover times to e2e/target/failover-times.txt, one line per failover with key=value fields
 * (bench/k8s-failover.sh turns them into percentiles in bench/REPORT.md).
 */
public final class FailoverTimes {
    private FailoverTimes() {
    }

    public static synchronized void record(String scenario, Recovery recovery, String from, String to, long term,
            FailoverSteps steps) {
        String line = String.format("%s %-16s fault-to-first-write-ms=%d outage-ms=%d %s from=%s to=%s term=%d%n",
                Instant.now(), scenario, recovery.faultToFirstWrite().toMillis(), recovery.outage().toMillis(),
                steps.fields(), from, to, term);
        System.out.print("e2e: failover " + line);
        try {
            Files.writeString(Settings.output().resolve("failover-times.txt"), line,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
