package dev.replicagroup.e2e.support;

import dev.replicagroup.replica.status.ReplicaException;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The soak: a {@link SoakPlan}'s faults one after the other on one group, each under the load of FailoverCheck
 * (its register workload checked for linearizability: a fresh set of keys per fault, and linearizability is
 * per key, so the history so far is linearizable when each fault's is). After each fault, beside FailoverCheck's
 * checks: the group healed to its size with the operator's pods back, exactly one pod labelled primary and it is
 * status.currentPrimary, the term higher when the primary moved and the same when not and never lower, and the
 * operator's story consistent: one FailoverCompleted (or SwitchoverCompleted) for the new term naming the new
 * primary, status.lastFailover in that term. At the end every write acknowledged during the soak is read back.
 * A failed check is kept (e2e/target/soak/, the diagnostics in e2e-dumps/, the history in lincheck/) and the soak
 * goes on while the group heals; a group that does not heal ends it.
 */
public final class Soak {
    /** Measured, not asserted (bench/REPORT.md): the operators-gone fault alone keeps writes waiting a minute. */
    private static final Duration NO_CEILING = Duration.ofMinutes(10);
    /** How long both operator pods stay away while the primary dies (issue 11: "coming back a minute later"). */
    static final Duration OPERATORS_AWAY = Duration.ofMinutes(1);

    private static final Pattern IN_TERM = Pattern.compile("in term (\\d+)\\b");

    private final TestNamespace ns;
    private final Operator operator;
    private final Group group;
    private final SoakPlan plan;
    private final Path out;
    private final SoakSummary summary = new SoakSummary();
    private final Map<String, String> acknowledged = new HashMap<>();

    private Soak(TestNamespace ns, Deployed deployed, SoakPlan plan) {
        this.ns = ns;
        this.operator = deployed.operator();
        this.group = deployed.group();
        this.plan = plan;
        this.out = Settings.output().resolve("soak");
    }

    /** Runs the plan; fails naming the seed, each failed fault's index and kind, and how to replay it. */
    public static SoakSummary run(TestNamespace ns, Deployed deployed, SoakPlan plan)
            throws IOException, InterruptedException {
        Soak soak = new Soak(ns, deployed, plan);
        Files.createDirectories(soak.out);
        Files.writeString(soak.out.resolve("plan.txt"), plan + "\n");
        System.out.println("e2e: soak " + plan + " (replay: " + plan.replay() + ")");
        soak.all();
        return soak.summary;
    }

    private void all() throws IOException, InterruptedException {
        long maxTerm = group.status().term();
        for (SoakPlan.Step step : plan.steps()) {
            SoakSummary.Fault fault = one(step, maxTerm);
            summary.add(fault);
            Files.writeString(
                    out.resolve("results.txt"),
                    fault.line() + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            System.out.println("e2e: soak " + fault.line());
            if (!fault.healed()) {
                break;
            }
            maxTerm = Math.max(maxTerm, group.status().term());
        }
        String lost = lostAcrossTheSoak();
        Files.writeString(out.resolve("summary.md"), summary.table() + (lost == null ? "" : "\n" + lost + "\n"));
        System.out.print("e2e: soak summary (seed " + plan.seed() + ")\n" + summary.table());
        List<SoakSummary.Fault> failed = summary.failed();
        if (!failed.isEmpty() || lost != null) {
            StringBuilder message = new StringBuilder("soak seed " + plan.seed() + " failed (replay: " + plan.replay()
                    + "; details in " + out.toAbsolutePath() + "):");
            failed.forEach(f -> message.append("\n  fault ")
                    .append(f.step())
                    .append(f.healed() ? "" : ", the group did not heal")
                    .append(": ")
                    .append(Objects.requireNonNullElse(f.failure(), "")
                            .lines()
                            .findFirst()
                            .orElse("")));
            if (lost != null) {
                message.append("\n  ").append(lost);
            }
            throw new AssertionError(message.toString());
        }
    }

    /** Every write acknowledged in any fault, read back once the soak is over; null when none is lost. */
    private String lostAcrossTheSoak() {
        try {
            List<String> lost = LoadRun.lostWrites(group.primaryServiceAddress(), acknowledged);
            return lost.isEmpty()
                    ? null
                    : lost.size() + " of the soak's " + acknowledged.size() + " acknowledged writes lost, e.g. "
                            + lost.subList(0, Math.min(10, lost.size()));
        } catch (ReplicaException | RuntimeException e) {
            return "the soak's " + acknowledged.size() + " acknowledged writes could not be read back: " + e;
        }
    }

    private SoakSummary.Fault one(SoakPlan.Step step, long maxTerm) throws InterruptedException {
        long started = System.nanoTime();
        GroupStatus before = group.status();
        long writeMs = -1;
        StringBuilder failure = new StringBuilder();
        boolean healed = true;
        System.out.println(
                "e2e: soak fault " + step + " on primary " + before.currentPrimary() + " in term " + before.term());
        try {
            if (step.kind() == SoakPlan.Kind.SCALE) {
                scaleDownUp();
            } else {
                FailoverCheck.Outcome outcome = FailoverCheck.once(
                        ns, new Deployed(operator, group, before), step.kind().label(), NO_CEILING, fault(step));
                writeMs = outcome.recovery().faultToFirstWrite().toMillis();
                acknowledged.putAll(outcome.acknowledged());
            }
        } catch (ConditionTimeoutException e) {
            healed = false;
            failure.append(text(e));
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            failure.append(text(e));
        }
        if (healed) {
            try {
                GroupStatus after = settled();
                assertConsistent(step.kind(), before, after, maxTerm);
            } catch (ConditionTimeoutException e) {
                healed = false;
                failure.append(text(e));
            } catch (RuntimeException | AssertionError e) {
                failure.append(text(e));
            }
        }
        String failed = failure.isEmpty() ? null : failure.toString();
        if (failed != null) {
            keep(step, failed);
        }
        return new SoakSummary.Fault(step, writeMs, failed, healed, Duration.ofNanos(System.nanoTime() - started));
    }

    private FailoverCheck.Fault fault(SoakPlan.Step step) {
        Duration kill = Duration.ofMillis(step.killAfterMs());
        return switch (step.kind()) {
            case POD_DELETED -> Faults.podDeleted();
            case JVM_KILLED -> Faults.jvmKilled();
            case FROZEN -> Faults.frozen();
            case PARTITION_HELPERS -> Faults.partition(false);
            case PARTITION_ALL -> Faults.partition(true);
            case SWITCHOVER -> Faults.switchover();
            case LEADER_KILLED -> Faults.leaderKilled(Faults.podDeleted(), kill);
            case LEADER_KILLED_SWITCHOVER -> Faults.leaderKilled(Faults.switchover(), kill);
            case OPERATORS_GONE -> Faults.operatorsGone(Faults.podDeleted(), OPERATORS_AWAY);
            case SCALE -> throw new IllegalArgumentException("the scale is no failover: scaleDownUp()");
        };
    }

    /** kubectl scale one replica down and back up under the load: nothing lost, the primary and its term kept. */
    private void scaleDownUp() throws Exception {
        try (PrimaryLabelMonitor labels = new PrimaryLabelMonitor(ns, group);
                ServingMonitor serving = new ServingMonitor(group);
                LoadRun load = LoadRun.start(group.primaryServiceAddress(), Settings.LOAD_CLIENTS)) {
            Thread.sleep(Settings.STEADY.toMillis());
            group.kubectl("scale", "rg", group.name(), "--replicas=" + (Deployed.EXAMPLE_REPLICAS - 1));
            group.awaitSettled(Deployed.EXAMPLE_REPLICAS - 1, Settings.SETTLE);
            group.kubectl("scale", "rg", group.name(), "--replicas=" + Deployed.EXAMPLE_REPLICAS);
            group.awaitSettled(Deployed.EXAMPLE_REPLICAS, Settings.SETTLE);
            Thread.sleep(Settings.STEADY.toMillis());
            LoadRun.Result result = load.stop();
            acknowledged.putAll(result.report().acknowledged());
            FailoverCheck.assertSafe(load, result, labels, serving);
        }
    }

    /** The group at its size and both operator pods Ready again (the next fault may kill the leader). */
    private GroupStatus settled() {
        GroupStatus status = group.awaitSettled(Deployed.EXAMPLE_REPLICAS, Settings.SETTLE);
        Group.await("the operator's pods Ready again", Settings.SETTLE).until(() -> {
            operator.replaceBackedOff()
                    .forEach(p ->
                            System.out.println("soak: " + p + " was in CrashLoopBackOff (killed often): replaced"));
            Deployment d = operator.deployment();
            Integer want = d.getSpec().getReplicas();
            return want != null && want.equals(d.getStatus().getReadyReplicas());
        });
        operator.awaitLeader();
        return status;
    }

    /** One primary by label and status, the term where it should be, and the operator's events and status agreeing. */
    private void assertConsistent(SoakPlan.Kind kind, GroupStatus before, GroupStatus after, long maxTerm) {
        List<String> labelled = group.pods().stream()
                .filter(p -> "primary".equals(p.getMetadata().getLabels().get(Group.ROLE_LABEL)))
                .map(p -> p.getMetadata().getName())
                .toList();
        check(
                labelled.equals(List.of(after.currentPrimary())),
                "exactly one pod labelled primary, status.currentPrimary " + after.currentPrimary() + "; labelled: "
                        + labelled);
        check(after.term() >= maxTerm, "the term only grows: " + after.term() + " after " + maxTerm);
        if (!kind.movesThePrimary()) {
            check(
                    after.term() == before.term() && after.currentPrimary().equals(before.currentPrimary()),
                    "the primary and its term kept: " + before.currentPrimary() + " in " + before.term() + " before, "
                            + after.currentPrimary() + " in " + after.term() + " after");
            return;
        }
        check(after.term() > before.term(), "a higher term: " + after.term() + " after " + before.term());
        Object lastTerm = lastFailover().get("term");
        check(
                lastTerm instanceof Number n && n.longValue() == after.term(),
                "status.lastFailover.term " + lastTerm + " is status.term " + after.term());
        String reason = kind.switchover() ? "SwitchoverCompleted" : "FailoverCompleted";
        List<String> completions = group.events().stream()
                .filter(e -> "SwitchoverCompleted".equals(e.getReason()) || "FailoverCompleted".equals(e.getReason()))
                .filter(e -> termOf(e) == after.term())
                .map(e -> e.getReason() + ": " + e.getMessage())
                .toList();
        check(
                completions.size() == 1
                        && completions.get(0).startsWith(reason + ": " + after.currentPrimary() + " is primary"),
                "one " + reason + " for term " + after.term() + " naming " + after.currentPrimary() + "; found "
                        + completions);
    }

    private Map<?, ?> lastFailover() {
        Object status = group.resource().getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> s && s.get("lastFailover") instanceof Map<?, ?> last ? last : Map.of();
    }

    private static long termOf(Event event) {
        Matcher m = IN_TERM.matcher(Objects.requireNonNullElse(event.getMessage(), ""));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new AssertionError(what);
        }
    }

    /** The failure's text and the group's diagnostics, named by seed, index and kind. */
    private void keep(SoakPlan.Step step, String failure) {
        String name = "soak-seed-" + plan.seed() + "-fault-" + step.index() + "-"
                + step.kind().label();
        try {
            Files.writeString(
                    out.resolve(name + ".txt"), "fault " + step + " (replay: " + plan.replay() + ")\n" + failure);
        } catch (IOException e) {
            System.out.println("e2e: could not keep " + name + ": " + e);
        }
        Diagnostics.dump(ns.cluster(), ns.name(), name);
    }

    private static String text(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return trace + "\n";
    }
}
