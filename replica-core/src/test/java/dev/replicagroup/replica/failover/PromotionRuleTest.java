package dev.replicagroup.replica.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.core.LogPosition;
import dev.replicagroup.replica.core.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromotionRuleTest {
    static final Optional<LogPosition> NONE = Optional.empty();

    static MemberStatus helper(String name, long term, long seq, int liveness, long started, boolean ready) {
        return new MemberStatus(
                name, name + ":7000", ready, Role.HELPER, term, new LogPosition(term, seq), liveness, started);
    }

    static String chosen(PromotionChoice choice) {
        return assertInstanceOf(PromotionChoice.Promote.class, choice)
                .candidate()
                .name();
    }

    @Test
    void highestTermThenSeqWins() {
        assertEquals(
                "b",
                chosen(PromotionRule.choose(
                        List.of(helper("a", 1, 90, 100, 1, true), helper("b", 2, 10, 0, 2, true)), 2, 1, NONE)));
        assertEquals(
                "a",
                chosen(PromotionRule.choose(
                        List.of(helper("a", 2, 11, 0, 2, true), helper("b", 2, 10, 100, 1, true)), 2, 1, NONE)));
    }

    @Test
    void tiesGoToLivenessThenTheOldest() {
        assertEquals(
                "b",
                chosen(PromotionRule.choose(
                        List.of(helper("a", 2, 10, 5, 1, true), helper("b", 2, 10, 9, 2, true)), 2, 1, NONE)));
        assertEquals(
                "b",
                chosen(PromotionRule.choose(
                        List.of(helper("a", 2, 10, 9, 20, true), helper("b", 2, 10, 9, 10, true)), 2, 1, NONE)));
    }

    @Test
    void waitsUntilEnoughHelpersAnswered() {
        PromotionChoice choice = PromotionRule.choose(List.of(helper("a", 1, 10, 1, 1, true)), 2, 1, NONE);
        PromotionChoice.Blocked blocked = assertInstanceOf(PromotionChoice.Blocked.class, choice);
        assertTrue(blocked.reason().contains("heard from 1 of 2 helpers; 2 must answer"), blocked.reason());
        assertEquals(2, PromotionRule.quorum(2, 1));
        assertEquals(1, PromotionRule.quorum(2, 2));
        assertEquals(3, PromotionRule.quorum(4, 2));
        assertEquals(2, PromotionRule.quorum(2, 0), "async mode: every helper, not more than there are");
        assertEquals("a", chosen(PromotionRule.choose(List.of(helper("a", 1, 10, 1, 1, true)), 2, 2, NONE)));
    }

    @Test
    void aNotReadyHelperHoldingTheNewestWritesBlocksRatherThanLosingThem() {
        PromotionChoice choice = PromotionRule.choose(
                List.of(helper("a", 1, 12, 1, 1, false), helper("b", 1, 10, 50, 1, true)), 2, 1, NONE);
        assertTrue(
                assertInstanceOf(PromotionChoice.Blocked.class, choice).reason().contains("a holds the most recent"));
        assertEquals(
                "b",
                chosen(PromotionRule.choose(
                        List.of(helper("a", 1, 12, 1, 1, false), helper("b", 1, 12, 50, 1, true)), 2, 1, NONE)));
    }

    @Test
    void aReplicaStillClaimingPrimacyIsNotACandidateButAFencedEarlierPrimaryIs() {
        MemberStatus stale = new MemberStatus("p", "p:7000", true, Role.PRIMARY, 1, new LogPosition(1, 99), 100, 0);
        MemberStatus fenced = new MemberStatus("f", "f:7000", true, Role.FENCED, 2, new LogPosition(1, 98), 100, 0);
        assertEquals(
                "f",
                chosen(PromotionRule.choose(List.of(stale, fenced, helper("a", 1, 10, 1, 1, true)), 2, 1, NONE)),
                "fenced in the new term, an earlier primary holds still and has the most");
        assertInstanceOf(
                PromotionChoice.Blocked.class,
                PromotionRule.choose(List.of(stale, fenced), 2, 1, NONE),
                "a replica that is primary does not count toward the quorum");
    }

    @Test
    void helpersBehindWhatTheOldPrimaryCommittedAreNotPromoted() {
        // Seen in the simulation: the copy on the other helper was lost when it restarted empty, so only the old
        // primary (fenced, still answering) holds (3, 465) and the helper level with nobody else lacks it.
        List<MemberStatus> heard = List.of(helper("a", 2, 467, 9, 1, true), helper("b", 0, 0, 1, 1, false));
        PromotionChoice blocked = PromotionRule.choose(heard, 2, 1, Optional.of(new LogPosition(3, 465)));
        assertTrue(
                assertInstanceOf(PromotionChoice.Blocked.class, blocked)
                        .reason()
                        .contains("the old primary committed up to (3, 465)"),
                blocked.toString());
        assertEquals("a", chosen(PromotionRule.choose(heard, 2, 1, Optional.of(new LogPosition(2, 460)))));
    }
}
