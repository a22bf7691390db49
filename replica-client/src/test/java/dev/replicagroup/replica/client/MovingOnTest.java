package dev.replicagroup.replica.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.replica.core.ActiveList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a client gives up waiting on a slow server or a slow discovery: the group names a primary it did not name
 * before. The case that cost ~1 s on the cluster: an operator killed mid-failover had fenced the helpers in term 2;
 * its successor promoted in the same term 2, so "a newer term" alone never fired, and clients waited out a dead old
 * primary's attempt deadline.
 */
class MovingOnTest {

    private static ActiveList list(long term, String primary) {
        return new ActiveList(term, primary, List.of());
    }

    @Test
    void aSlowAttemptIsGivenUpForAPrimaryOfANewerTerm() {
        assertTrue(Retries.movedOn(1, "old", 2, "new", "old"));
        assertFalse(Retries.movedOn(1, "old", 2, "old", "old"), "the target itself is the primary");
        assertFalse(Retries.movedOn(1, "old", 2, "", "old"), "no primary named yet");
    }

    @Test
    void andForAPrimaryNewlyNamedInTheSameTerm() {
        assertTrue(Retries.movedOn(2, "old", 2, "new", "old"));
        assertTrue(Retries.movedOn(2, "", 2, "new", "old"));
    }

    @Test
    void butNotWhileTheGroupNamesWhatItNamedAtTheStart() {
        // A slow write on the primary (acks under load): the lists still name it.
        assertFalse(Retries.movedOn(5, "p", 5, "p", "p"));
        // An attempt on another server while the group names p, as it did at the start: not news.
        assertFalse(Retries.movedOn(5, "p", 5, "p", "helper"));
    }

    @Test
    void aDiscoveryStopsWaitingForAPrimaryItDidNotKnow() {
        assertTrue(GroupView.news(list(1, "old"), list(2, "new")));
        assertTrue(GroupView.news(list(2, ""), list(2, "new")), "the term learnt from fenced helpers");
        assertFalse(GroupView.news(list(2, "p"), list(2, "p")));
        assertFalse(GroupView.news(list(2, ""), list(2, "")));
        assertFalse(GroupView.news(list(2, ""), list(3, "")), "a newer term with no primary is no primary to go to");
        assertFalse(GroupView.news(list(3, "p"), list(2, "q")), "an older term");
    }
}
