package dev.replicagroup.operator.metrics;

import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.ReplicaGroup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's own metrics (Prometheus at /q/metrics): failovers, how long each failover step took,
 * reconcile time, members by role and replication lag per group.
 */
@ApplicationScoped
public class OperatorMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void failoverCompleted(ReplicaGroup group, boolean switchover, Duration total) {
        Counter.builder("replicagroup.failovers")
                .description("Failovers and switchovers completed")
                .tags(tags(group).and("kind", switchover ? "switchover" : "failover"))
                .register(registry).increment();
        Timer.builder("replicagroup.failover.duration")
                .description("Time from detection to a verified new primary")
                .tags(tags(group).and("kind", switchover ? "switchover" : "failover"))
                .register(registry).record(total);
    }

    public void stepTook(ReplicaGroup group, FailoverStep step, Duration took) {
        Timer.builder("replicagroup.failover.step.duration")
                .description("Time spent in each failover step")
                .tags(tags(group).and("step", step.name()))
                .register(registry).record(took);
    }

    public Timer.Sample startReconcile() {
        return Timer.start(registry);
    }

    public void reconciled(ReplicaGroup group, Timer.Sample sample) {
        sample.stop(Timer.builder("replicagroup.reconcile.duration")
                .description("Time of one reconcile pass of a ReplicaGroup")
                .tags(tags(group)).register(registry));
    }

    public void members(ReplicaGroup group, String role, long count) {
        gauge("replicagroup.members", tags(group).and("role", role), count);
    }

    public void maxLag(ReplicaGroup group, long lag) {
        gauge("replicagroup.replication.lag.max", tags(group), lag);
    }

    private void gauge(String name, Tags tags, long value) {
        String key = name + tags;
        gauges.computeIfAbsent(key, k -> registry.gauge(name, tags, new AtomicLong())).set(value);
    }

    private static Tags tags(ReplicaGroup group) {
        return Tags.of("namespace", group.getMetadata().getNamespace(), "group", group.getMetadata().getName());
    }
}
