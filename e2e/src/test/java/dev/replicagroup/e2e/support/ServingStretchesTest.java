package dev.replicagroup.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.replicagroup.replica.core.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The serving monitor's stretches, without a cluster (runs in every `./mvnw verify`); times in ms as nanos. */
class ServingStretchesTest {
    private static final long MS = 1_000_000;

    private static ServingStretches.Sample serving(long term, long leaseMs) {
        return new ServingStretches.Sample(Role.PRIMARY, term, true, leaseMs * MS);
    }

    private static ServingStretches.Sample notServing(Role role, long term) {
        return new ServingStretches.Sample(role, term, false, 0);
    }

    @Test
    void anUnreachableOldPrimaryMayServeUntilItsLeaseEnds() {
        ServingStretches s = new ServingStretches();
        s.polled("a", serving(1, 500), 0, 10 * MS);
        s.polled("a", null, 100 * MS, 400 * MS);
        s.polled("b", serving(2, 500), 300 * MS, 310 * MS);
        assertEquals(List.of("a (term 1) and b (term 2) both served as primary for 190 ms"), s.overlaps());
    }

    @Test
    void aPushedRetirementEndsTheStretchWhenItArrives() {
        ServingStretches s = new ServingStretches();
        s.polled("a", serving(1, 500), 0, 10 * MS);
        s.pushed("a", notServing(Role.PRIMARY, 1), 60 * MS);
        s.polled("a", null, 100 * MS, 400 * MS);
        s.polled("b", serving(2, 500), 300 * MS, 310 * MS);
        assertEquals(List.of(), s.overlaps());
        assertEquals(2, s.count());
    }

    @Test
    void aPollStartedBeforeThePushOpensNothing() {
        ServingStretches s = new ServingStretches();
        s.pushed("a", notServing(Role.FENCED, 2), 60 * MS);
        s.polled("a", serving(1, 500), 50 * MS, 70 * MS);
        s.polled("b", serving(2, 500), 100 * MS, 110 * MS);
        assertEquals(List.of(), s.overlaps());
        assertEquals(1, s.count());
    }

    @Test
    void aPushStillServingInTheSameTermEndsNothing() {
        ServingStretches s = new ServingStretches();
        s.polled("a", serving(1, 500), 0, 10 * MS);
        s.pushed("a", serving(1, 450), 60 * MS);
        s.polled("b", serving(2, 500), 300 * MS, 310 * MS);
        assertEquals(1, s.overlaps().size());
    }

    @Test
    void servingAgainAfterThePushOpensANewStretch() {
        ServingStretches s = new ServingStretches();
        s.polled("a", serving(1, 500), 0, 10 * MS);
        s.pushed("a", notServing(Role.PRIMARY, 1), 60 * MS);
        s.polled("a", serving(1, 500), 200 * MS, 210 * MS);
        s.polled("b", serving(2, 500), 300 * MS, 310 * MS);
        assertEquals(List.of("a (term 1) and b (term 2) both served as primary for 390 ms"), s.overlaps());
    }

    @Test
    void anAnsweredFenceEndsTheStretchByTheEndOfItsCall() {
        ServingStretches s = new ServingStretches();
        s.polled("a", serving(1, 500), 0, 10 * MS);
        s.polled("a", notServing(Role.FENCED, 2), 100 * MS, 120 * MS);
        s.polled("b", serving(2, 500), 130 * MS, 140 * MS);
        assertEquals(List.of(), s.overlaps());
    }
}
