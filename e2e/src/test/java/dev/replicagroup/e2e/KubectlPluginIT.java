package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.replicagroup.e2e.support.Deployed;
import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.GroupStatus;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import dev.replicagroup.e2e.support.Tools;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code kubectl rg} (kubectl-plugin/kubectl-rg) on the example group, run through kubectl as a user would. */
@ExtendWith(TestNamespace.class)
class KubectlPluginIT {
    private static final String PAUSED = "replicagroup.dev/update-paused";

    @Test
    void statusPromotePauseResumeAndBadInput(TestNamespace ns) {
        Deployed deployed = Deployed.example(ns);
        Group group = deployed.group();
        String primary = deployed.status().currentPrimary();
        List<String> members = group.pods().stream()
                .map(Pod::getMetadata)
                .map(m -> m.getName())
                .toList();
        String helper = members.stream()
                .filter(m -> !m.equals(primary))
                .reduce((a, b) -> b)
                .orElseThrow();

        // The group counts Ready pods; a member's role is in status once the operator has the replica's own
        // report, which may come a pass later than its readiness.
        String status = Group.await("every helper's role in status", Settings.SETTLE)
                .until(
                        () -> succeeds(group.kubectlRg("status", group.name())),
                        text -> members.stream()
                                .filter(m -> !m.equals(primary))
                                .allMatch(m -> memberRow(text, m).contains("helper")));
        assertTrue(
                status.contains(
                        "Primary:   " + primary + "   term " + deployed.status().term()),
                status);
        assertTrue(memberRow(status, primary).contains("primary"), status);
        members.stream()
                .filter(m -> !m.equals(primary))
                .forEach(m -> assertTrue(memberRow(status, m).contains("helper"), status));

        Set<String> before = group.seenEvents();
        String promoted = succeeds(group.kubectlRg("promote", group.name(), helper, "--wait", "--timeout", "180"));
        assertTrue(promoted.contains(helper + " is primary of " + group.name()), promoted);
        group.awaitNewEvent("SwitchoverCompleted", before, m -> m.contains(helper), Settings.EVENT_WAIT);
        GroupStatus after = group.status();
        assertEquals(helper, after.currentPrimary());
        assertEquals(deployed.status().term() + 1, after.term(), "one switchover: the term up by one");
        String afterStatus = succeeds(group.kubectlRg("status", group.name()));
        assertTrue(
                afterStatus.contains("switchover from " + primary + " to " + helper + ", term " + after.term()),
                afterStatus);
        assertTrue(
                Pattern.compile("(?m)^\\s+completed\\s+\\S+\\s+\\+\\d+ ms")
                        .matcher(afterStatus)
                        .find(),
                afterStatus);
        assertTrue(afterStatus.contains("SwitchoverCompleted"), afterStatus);
        System.out.println("e2e: kubectl rg status after the switchover:\n" + afterStatus);

        succeeds(group.kubectlRg("pause", group.name()));
        assertEquals("true", annotation(group, PAUSED).orElse(null));
        assertTrue(succeeds(group.kubectlRg("status", group.name())).contains("PAUSED"));
        succeeds(group.kubectlRg("resume", group.name()));
        assertNull(annotation(group, PAUSED).orElse(null), "resume removes " + PAUSED);

        Tools.Result unknownMember = group.kubectlRg("promote", group.name(), "nosuch-9");
        assertNotEquals(0, unknownMember.exitCode(), unknownMember.output());
        assertTrue(unknownMember.output().contains("'nosuch-9' is not a member"), unknownMember.output());
        members.forEach(m -> assertTrue(unknownMember.output().contains(m), unknownMember.output()));

        Tools.Result alreadyPrimary = group.kubectlRg("promote", group.name(), helper);
        assertNotEquals(0, alreadyPrimary.exitCode(), alreadyPrimary.output());
        assertTrue(alreadyPrimary.output().contains("already the primary"), alreadyPrimary.output());

        Tools.Result unknownGroup = group.kubectlRg("status", "nosuch");
        assertNotEquals(0, unknownGroup.exitCode(), unknownGroup.output());
        assertTrue(
                unknownGroup.output().contains("no ReplicaGroup 'nosuch' in namespace " + ns.name()),
                unknownGroup.output());
        assertTrue(unknownGroup.output().contains(group.name()), "names the groups there: " + unknownGroup.output());
        assertEquals(helper, group.status().currentPrimary(), "bad input changed nothing");
    }

    private static String succeeds(Tools.Result result) {
        assertEquals(0, result.exitCode(), result.output());
        return result.output();
    }

    /** The row of the Members table that starts with this member's name. */
    private static String memberRow(String status, String member) {
        return status.lines()
                .filter(l -> l.trim().startsWith(member + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + member + " in:\n" + status));
    }

    private static Optional<String> annotation(Group group, String key) {
        Map<String, String> annotations = group.resource().getMetadata().getAnnotations();
        return Optional.ofNullable(annotations).map(a -> a.get(key));
    }
}
