package dev.replicagroup.replica.server;

import dev.replicagroup.replica.core.Role;
import dev.replicagroup.replica.replication.ReplicaNode;
import dev.replicagroup.replica.service.RequestMetrics;
import dev.replicagroup.replica.status.NodeStatus;
import dev.replicagroup.replica.storage.ReplicaStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** The replica's Prometheus metrics: requests by type and result, seq, role, and each helper's lag. */
final class ReplicaMetrics implements RequestMetrics {
    private final MeterRegistry registry;
    private final ReplicaNode node;
    private final MultiGauge helperLag;
    private Set<String> lagRows = Set.of();
    /** Each (type, result)'s meters, looked up once: building a meter id per request costs more than the count. */
    private final Map<String, RequestMeters> requestMeters = new ConcurrentHashMap<>();

    private record RequestMeters(Counter requests, Timer duration) {}

    ReplicaMetrics(MeterRegistry registry, ReplicaNode node, ReplicaStorage storage) {
        this.registry = registry;
        this.node = node;
        // Together: how many log entries one fsync covers (group commit), on the primary and on each helper.
        FunctionCounter.builder("replica_log_fsyncs", storage, ReplicaStorage::logSyncs)
                .description("times the write-ahead log was forced to disk (0 in memory)")
                .register(registry);
        FunctionCounter.builder("replica_log_entries_written", storage, ReplicaStorage::entriesWritten)
                .description("log entries written to the write-ahead log (0 in memory)")
                .register(registry);
        Gauge.builder("replica_term", node, n -> n.view().term())
                .description("current term")
                .register(registry);
        Gauge.builder("replica_seq", node, n -> n.view().last().seq())
                .description("seq of the last log entry")
                .register(registry);
        Gauge.builder("replica_commit_seq", node, n -> n.view().commitSeq())
                .description("seq of the last acknowledged (committed) entry")
                .register(registry);
        Gauge.builder("replica_applied_seq", node, n -> n.view().appliedSeq())
                .description("seq of the last entry applied to the key-value state")
                .register(registry);
        Gauge.builder("replica_snapshots_installed", node, ReplicaNode::snapshotsInstalled)
                .description(
                        "snapshots installed from a primary (a helper that caught up by log suffix installed none)")
                .register(registry);
        for (Role role : Role.values()) {
            Gauge.builder("replica_role", node, n -> n.view().role() == role ? 1 : 0)
                    .tag("role", role.name().toLowerCase(Locale.ROOT))
                    .description("1 for the replica's current role")
                    .register(registry);
        }
        helperLag = MultiGauge.builder("replica_helper_lag")
                .description("entries a helper has not acknowledged yet (primary only)")
                .register(registry);
        node.onChange(this::updateLag);
    }

    /** Called after every state change: registers rows only when the set of helpers changed (rare). */
    private void updateLag(NodeStatus status) {
        Set<String> helpers = status.helpers().stream()
                .map(NodeStatus.HelperProgress::address)
                .collect(Collectors.toSet());
        if (!helpers.equals(lagRows)) {
            lagRows = helpers;
            helperLag.register(
                    helpers.stream()
                            .map(h -> MultiGauge.Row.of(Tags.of("helper", h), node, n -> lagOf(n.view(), h)))
                            .toList(),
                    true);
        }
    }

    private static double lagOf(NodeStatus status, String helper) {
        return status.helpers().stream()
                .filter(h -> h.address().equals(helper))
                .mapToLong(NodeStatus.HelperProgress::lag)
                .findFirst()
                .orElse(0);
    }

    @Override
    public void record(String type, String result, long nanos) {
        RequestMeters meters = requestMeters.computeIfAbsent(
                type + ' ' + result,
                k -> new RequestMeters(
                        Counter.builder("replica_requests")
                                .tag("type", type)
                                .tag("result", result)
                                .description("requests served")
                                .register(registry),
                        Timer.builder("replica_request_duration")
                                .tag("type", type)
                                .register(registry)));
        meters.requests().increment();
        meters.duration().record(nanos, TimeUnit.NANOSECONDS);
    }
}
