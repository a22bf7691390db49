package dev.replicagroup.operator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.operator.crd.FailoverStep;
import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
    private static final Path CHART = Path.of("..", "helm", "replicagroup-operator");

    static ReplicaGroup group(String name) {
        ReplicaGroup group = new ReplicaGroup();
        group.setMetadata(
                new ObjectMetaBuilder().withNamespace("shop").withName(name).build());
        return group;
    }

    static Condition condition(String type, boolean status) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .build();
    }

    private static double gauge(MeterRegistry registry, String name, String group, String... tags) {
        var search = registry.find(name).tag("group", group);
        for (int i = 0; i < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        return search.gauge().value();
    }

    @Test
    void eachConditionIsAGaugeOfOneOrZeroAndABlockedFailoverIsOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OperatorMetrics metrics = new OperatorMetrics(registry);
        metrics.health(group("a"), List.of(condition("Available", true), condition("Degraded", false)), false);
        assertEquals(1, gauge(registry, "replicagroup.condition", "a", "condition", "Available"));
        assertEquals(0, gauge(registry, "replicagroup.condition", "a", "condition", "Degraded"));
        assertEquals(0, gauge(registry, "replicagroup.failover.blocked", "a"));
        metrics.health(group("a"), List.of(condition("Available", false), condition("Degraded", true)), true);
        assertEquals(0, gauge(registry, "replicagroup.condition", "a", "condition", "Available"));
        assertEquals(1, gauge(registry, "replicagroup.condition", "a", "condition", "Degraded"));
        assertEquals(1, gauge(registry, "replicagroup.failover.blocked", "a"));
    }

    @Test
    void aDeletedGroupsMetersGoSoItsLastConditionCannotFireAnAlert() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OperatorMetrics metrics = new OperatorMetrics(registry);
        for (String name : List.of("kept", "deleted")) {
            metrics.health(group(name), List.of(condition("Available", false)), true);
            metrics.members(group(name), "primary", 0);
            metrics.failoverCompleted(group(name), false, Duration.ofMillis(900));
            metrics.memberFigures(group(name), List.of(name + "-0"), p -> 7, p -> 1);
        }
        metrics.retain(List.of(group("kept")));
        assertTrue(registry.find("replicagroup.condition")
                .tag("group", "deleted")
                .meters()
                .isEmpty());
        assertTrue(registry.getMeters().stream()
                .noneMatch(m -> "deleted".equals(m.getId().getTag("group"))));
        assertNotNull(
                registry.find("replicagroup.condition").tag("group", "kept").gauge());
        assertNotNull(
                registry.find("replicagroup.failovers").tag("group", "kept").counter());
        // A group of the same name made again gets its meters again.
        metrics.health(group("deleted"), List.of(condition("Available", true)), false);
        assertEquals(1, gauge(registry, "replicagroup.condition", "deleted", "condition", "Available"));
        assertNull(
                registry.find("replicagroup.member.lag").tag("group", "deleted").gauge());
    }

    @Test
    void everyMetricTheChartsAlertsAndDashboardUseIsOneTheOperatorExports() throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorMetrics metrics = new OperatorMetrics(registry);
        ReplicaGroup group = group("a");
        metrics.failoverCompleted(group, false, Duration.ofMillis(900));
        metrics.stepTook(group, FailoverStep.Fence, Duration.ofMillis(100));
        metrics.reconciled(group, metrics.startReconcile());
        metrics.members(group, "primary", 1);
        metrics.memberFigures(group, List.of("a-0"), p -> 7, p -> 1);
        metrics.health(group, List.of(condition("Available", true)), false);
        String scrape = registry.scrape();

        Pattern used = Pattern.compile("\\b(replicagroup_[a-z_]+)");
        Set<String> missing = new TreeSet<>();
        for (Path file :
                List.of(CHART.resolve("templates/prometheusrule.yaml"), CHART.resolve("files/dashboard.json"))) {
            Matcher m = used.matcher(Files.readString(file));
            int found = 0;
            while (m.find()) {
                found++;
                if (!Pattern.compile("(?m)^" + m.group(1) + "[{ ]")
                        .matcher(scrape)
                        .find()) {
                    missing.add(m.group(1) + " (" + file.getFileName() + ")");
                }
            }
            assertTrue(found > 3, file + " names the operator's metrics");
        }
        assertEquals(Set.of(), missing, "named in the chart but not exported; the operator exports:\n" + scrape);
    }
}
