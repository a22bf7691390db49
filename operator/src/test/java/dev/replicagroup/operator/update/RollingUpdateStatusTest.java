package dev.replicagroup.operator.update;

import static dev.replicagroup.operator.Fixtures.NOW;
import static dev.replicagroup.operator.Fixtures.onRevision;
import static dev.replicagroup.operator.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.replicagroup.operator.crd.ReplicaGroupStatus;
import dev.replicagroup.operator.observed.Observation;
import dev.replicagroup.operator.observed.PodView;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RollingUpdateStatusTest {

    private static Observation pods(PodView... pods) {
        return new Observation(List.of(pods), Map.of(), NOW);
    }

    private static Condition upToDate(ReplicaGroupStatus status) {
        return status.getConditions().stream()
                .filter(c -> c.getType().equals(RollingUpdateStatus.UP_TO_DATE))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void whileAnUpdateRunsItCountsTheUpdatedPodsAndSaysWhatItWaitsFor() {
        ReplicaGroupStatus status = new ReplicaGroupStatus();
        status.setCurrentRevision("rev1");
        Observation obs = pods(
                onRevision(pod(0, "primary", true), "rev1"),
                onRevision(pod(1, "helper", true), "rev2"),
                onRevision(pod(2, "helper", false), "rev2"));
        Optional<String> completed = RollingUpdateStatus.apply(
                status, obs, 3, "rev2", new RollingUpdatePlan.Waiting("waits until demo-2 is Ready"), 4);
        assertEquals(Optional.empty(), completed);
        assertEquals("rev2", status.getUpdateRevision());
        assertEquals("rev1", status.getCurrentRevision());
        assertEquals(2, status.getUpdatedReplicas());
        assertEquals("False", upToDate(status).getStatus());
        assertEquals("RollingUpdate", upToDate(status).getReason());
        assertEquals("waits until demo-2 is Ready", upToDate(status).getMessage());
    }

    @Test
    void itCompletesOnceEveryWantedMemberRunsTheRevisionAndIsReady() {
        ReplicaGroupStatus status = new ReplicaGroupStatus();
        status.setCurrentRevision("rev1");
        Observation done = pods(
                onRevision(pod(0, "helper", true), "rev2"),
                onRevision(pod(1, "helper", true), "rev2"),
                onRevision(pod(2, "primary", true), "rev2"));
        assertEquals(
                Optional.of("rev2"),
                RollingUpdateStatus.apply(status, done, 3, "rev2", new RollingUpdatePlan.UpToDate(), 4));
        assertEquals("rev2", status.getCurrentRevision());
        assertEquals("True", upToDate(status).getStatus());
        // Only once: the next pass finds currentRevision there already.
        assertEquals(
                Optional.empty(),
                RollingUpdateStatus.apply(status, done, 3, "rev2", new RollingUpdatePlan.UpToDate(), 4));
    }

    @Test
    void heldUpdatesSayWhyInTheCondition() {
        ReplicaGroupStatus status = new ReplicaGroupStatus();
        RollingUpdateStatus.apply(
                status,
                pods(onRevision(pod(0, "primary", true), "rev1")),
                1,
                "rev2",
                new RollingUpdatePlan.Held(RollingUpdatePlan.PAUSED, "paused"),
                1);
        assertEquals(RollingUpdatePlan.PAUSED, upToDate(status).getReason());
        assertEquals(0, status.getUpdatedReplicas());
    }
}
