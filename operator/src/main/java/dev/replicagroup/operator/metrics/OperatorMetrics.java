package dev.replicagroup.operator.metrics;

import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The operator's own metrics (Prometheus at /q/metrics): failovers, how long each failover step took,
 * reconcile time, members by role, and each member's sequence number and lag (which status does not carry).
 */
@ApplicationScoped
public class OperatorMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final Map<String, Map<String, List<Meter>>> memberMeters = new ConcurrentHashMap<>();
    private final Map<String, DoubleSupplier> maxLag = new ConcurrentHashMap<>();
    private final Map<String, Gauge> maxLagGauges = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void failoverCompleted(ReplicaGroup group, boolean switchover, Duration total) {
        Counter.builder("replicagroup.failovers")
                .description("Failovers and switchovers completed")
                .tags(tags(group).and("kind", switchover ? "switchover" : "failover"))
                .register(registry)
                .increment();
        Timer.builder("replicagroup.failover.duration")
                .description("Time from detection to a verified new primary")
                .tags(tags(group).and("kind", switchover ? "switchover" : "failover"))
                .register(registry)
                .record(total);
    }

    public void stepTook(ReplicaGroup group, FailoverStep step, Duration took) {
        Timer.builder("replicagroup.failover.step.duration")
                .description("Time spent in each failover step")
                .tags(tags(group).and("step", step.name()))
                .register(registry)
                .record(took);
    }

    public Timer.Sample startReconcile() {
        return Timer.start(registry);
    }

    public void reconciled(ReplicaGroup group, Timer.Sample sample) {
        sample.stop(Timer.builder("replicagroup.reconcile.duration")
                .description("Time of one reconcile pass of a ReplicaGroup")
                .tags(tags(group))
                .register(registry));
    }

    public void members(ReplicaGroup group, String role, long count) {
        gauge(group, "replicagroup.members", Tags.of("role", role), count);
    }

    /**
     * Each status condition as 1 (True) or 0, and 1 while a failover is blocked, so alerts need not parse status:
     * the chart's PrometheusRule fires on {@code replicagroup_condition{condition="Available"} == 0} and on
     * {@code replicagroup_failover_blocked == 1}. The reason is not a label: a label that changes would leave the
     * old series behind at its last value.
     */
    public void health(ReplicaGroup group, List<Condition> conditions, boolean failoverBlocked) {
        for (Condition c : conditions) {
            gauge(
                    group,
                    "replicagroup.condition",
                    Tags.of("condition", c.getType()),
                    "True".equals(c.getStatus()) ? 1 : 0);
        }
        gauge(group, "replicagroup.failover.blocked", Tags.empty(), failoverBlocked ? 1 : 0);
    }

    /**
     * Per-member figures that move with every write, so they are metrics and not status: each member's last
     * sequence number and its lag behind the primary, and the group's largest lag. The gauges read the
     * replicas' Watch streams when scraped (the functions given), so they are current without a reconcile;
     * members no longer in the group lose theirs.
     */
    public void memberFigures(
            ReplicaGroup group, List<String> pods, ToDoubleFunction<String> seq, ToDoubleFunction<String> lag) {
        String key = key(group);
        Map<String, List<Meter>> members = memberMeters.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        members.entrySet().removeIf(e -> {
            boolean gone = !pods.contains(e.getKey());
            if (gone) {
                e.getValue().forEach(registry::remove);
            }
            return gone;
        });
        for (String pod : pods) {
            members.computeIfAbsent(
                    pod,
                    p -> List.of(
                            Gauge.builder("replicagroup.member.seq", () -> seq.applyAsDouble(p))
                                    .description("The sequence number of the member's last log entry")
                                    .tags(tags(group).and("member", p))
                                    .strongReference(true)
                                    .register(registry),
                            Gauge.builder("replicagroup.member.lag", () -> lag.applyAsDouble(p))
                                    .description("Entries the member is behind the primary, as the primary reports")
                                    .tags(tags(group).and("member", p))
                                    .strongReference(true)
                                    .register(registry)));
        }
        maxLag.put(
                key,
                () -> members.keySet().stream()
                        .mapToDouble(lag)
                        .filter(d -> !Double.isNaN(d))
                        .max()
                        .orElse(0));
        maxLagGauges.computeIfAbsent(
                key,
                k -> Gauge.builder(
                                "replicagroup.replication.lag.max",
                                () -> maxLag.getOrDefault(k, () -> 0.0).getAsDouble())
                        .description("The largest lag of a member behind the primary")
                        .tags(tags(group))
                        .strongReference(true)
                        .register(registry));
    }

    /**
     * Drops every meter of a group that no longer exists (no finalizer tells the operator of a deletion, so
     * each pass sweeps): a deleted group's last condition must not stay behind and fire an alert. A group
     * deleted when no other group is reconciled afterwards keeps its meters until the next pass or restart.
     */
    public void retain(Collection<ReplicaGroup> live) {
        Set<String> keys = live.stream().map(OperatorMetrics::key).collect(Collectors.toSet());
        for (Meter meter : registry.getMeters()) {
            String namespace = meter.getId().getTag("namespace");
            String group = meter.getId().getTag("group");
            if (namespace != null && group != null && !keys.contains(namespace + "/" + group)) {
                registry.remove(meter);
            }
        }
        gauges.keySet().removeIf(k -> !keys.contains(k.substring(0, k.indexOf('|'))));
        memberMeters.keySet().retainAll(keys);
        maxLag.keySet().retainAll(keys);
        maxLagGauges.keySet().retainAll(keys);
    }

    private void gauge(ReplicaGroup group, String name, Tags extra, long value) {
        Tags tags = tags(group).and(extra);
        gauges.computeIfAbsent(key(group) + "|" + name + extra, k -> registry.gauge(name, tags, new AtomicLong()))
                .set(value);
    }

    private static String key(ReplicaGroup group) {
        return group.getMetadata().getNamespace() + "/" + group.getMetadata().getName();
    }

    private static Tags tags(ReplicaGroup group) {
        return Tags.of(
                "namespace",
                group.getMetadata().getNamespace(),
                "group",
                group.getMetadata().getName());
    }
}
