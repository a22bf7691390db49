package dev.replicagroup.e2e.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What each of the soak's faults showed, and the table bench/soak.sh appends to bench/REPORT.md: per kind the
 * count, fault → first acknowledged write (p50 and p99, nearest rank), failed checks and failures to heal.
 */
public final class SoakSummary {
    private final List<Fault> faults = new ArrayList<>();

    /**
     * One fault: {@code writeMs} from the fault to the first write acknowledged after the outage (-1 when nothing
     * failed over: the scale), {@code failure} what failed (null when every check passed), whether the group
     * healed afterwards, and how long the whole step took.
     */
    public record Fault(SoakPlan.Step step, long writeMs, String failure, boolean healed, Duration took) {
        String line() {
            return String.format(
                    Locale.ROOT,
                    "fault=%d kind=%s write-ms=%d healed=%b took-ms=%d%s",
                    step.index(),
                    step.kind().label(),
                    writeMs,
                    healed,
                    took.toMillis(),
                    failure == null
                            ? ""
                            : " failed=" + failure.lines().findFirst().orElse(""));
        }
    }

    public synchronized void add(Fault fault) {
        faults.add(fault);
    }

    public synchronized List<Fault> failed() {
        return faults.stream().filter(f -> f.failure() != null || !f.healed()).toList();
    }

    /** The markdown table, one row per kind that ran and a row of all, then how long a fault took. */
    public synchronized String table() {
        StringBuilder out = new StringBuilder();
        out.append("| kind | count | write p50 (ms) | write p99 (ms) | failed checks | failures to heal |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (SoakPlan.Kind kind : SoakPlan.Kind.values()) {
            List<Fault> of =
                    faults.stream().filter(f -> f.step().kind() == kind).toList();
            if (!of.isEmpty()) {
                out.append(row(kind.label(), of));
            }
        }
        out.append(row("all", faults));
        List<Long> took = faults.stream().map(f -> f.took().toMillis()).sorted().toList();
        if (!took.isEmpty()) {
            long total = took.stream().mapToLong(Long::longValue).sum();
            out.append(String.format(
                    Locale.ROOT,
                    "%nOne fault (load, fault, checks, healed, the operator back) took p50 %.1f s, max %.1f s; all %d"
                            + " took %.1f min.%n",
                    percentile(took, 0.5) / 1000.0,
                    took.get(took.size() - 1) / 1000.0,
                    took.size(),
                    total / 60_000.0));
        }
        return out.toString();
    }

    private static String row(String label, List<Fault> of) {
        List<Long> writes =
                of.stream().map(Fault::writeMs).filter(ms -> ms >= 0).sorted().toList();
        long failedChecks =
                of.stream().filter(f -> f.failure() != null && f.healed()).count();
        long unhealed = of.stream().filter(f -> !f.healed()).count();
        return String.format(
                Locale.ROOT,
                "| %s | %d | %s | %s | %d | %d |%n",
                label,
                of.size(),
                writes.isEmpty() ? "-" : Long.toString(percentile(writes, 0.5)),
                writes.isEmpty() ? "-" : Long.toString(percentile(writes, 0.99)),
                failedChecks,
                unhealed);
    }

    /** Nearest rank, as bench/k8s-failover.sh computes it; {@code sorted} not empty. */
    static long percentile(List<Long> sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(1, rank) - 1);
    }

    /** One line per fault, key=value, for the soak's results.txt. */
    public synchronized String lines() {
        StringBuilder out = new StringBuilder();
        faults.forEach(f -> out.append(f.line()).append('\n'));
        return out.toString();
    }
}
