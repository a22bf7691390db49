package dev.replicagroup.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.replicagroup.e2e.support.Group;
import dev.replicagroup.e2e.support.Operator;
import dev.replicagroup.e2e.support.Settings;
import dev.replicagroup.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's effective permissions, as the API server reports them for its ServiceAccount, are exactly the
 * checked-in list (only what the operator's code uses); the replica and operator pods run in a namespace that
 * enforces the restricted Pod Security Standard, with the settings it asks for.
 */
@ExtendWith(TestNamespace.class)
class LeastPrivilegeIT {
    static final Path EXPECTED = Settings.repoRoot().resolve("e2e/src/test/resources/operator-permissions.txt");
    private static final Path ACTUAL = Settings.repoRoot().resolve("e2e/target/operator-permissions.actual.txt");

    /** A line of {@code kubectl auth can-i --list}: resource or URL, then [non-resource URLs] [names] [verbs]. */
    private static final Pattern RULE = Pattern.compile("^(\\S+)?\\s+\\[([^]]*)]\\s+\\[([^]]*)]\\s+\\[([^]]*)]\\s*$");

    @Test
    void theOperatorMayDoOnlyWhatItsCodeDoes(TestNamespace ns) throws IOException {
        Operator operator = Operator.install(ns);
        String account = operator.deployment().getSpec().getTemplate().getSpec().getServiceAccountName();
        // What every ServiceAccount may do (discovery, self reviews) is the cluster's, not the chart's: left out.
        List<String> actual = new ArrayList<>();
        actual.add("# in the operator's namespace");
        actual.addAll(beyondBaseline(ns, account, ns.name()));
        actual.add("# in any other namespace, and cluster-scoped");
        actual.addAll(beyondBaseline(ns, account, "default"));

        List<String> expected = Files.readAllLines(EXPECTED, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("## "))
                .toList();
        Files.createDirectories(ACTUAL.getParent());
        Files.write(ACTUAL, actual, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            fail("the operator's ServiceAccount " + account + " may do other things than "
                    + Settings.repoRoot().relativize(EXPECTED) + " lists:\n" + diff(expected, actual)
                    + "\nIf the operator now needs this (read its code), change helm/replicagroup-operator/templates'"
                    + " RBAC and copy " + ACTUAL + " over " + EXPECTED + "; if not, take it out of the chart.");
        }
    }

    @Test
    void replicaAndOperatorPodsRunUnderTheRestrictedPodSecurityStandard(TestNamespace ns) throws IOException {
        assertEquals(
                "restricted",
                ns.cluster()
                        .client()
                        .namespaces()
                        .withName(ns.name())
                        .get()
                        .getMetadata()
                        .getLabels()
                        .get(TestNamespace.POD_SECURITY_ENFORCE),
                "the test namespace enforces restricted");
        // The label is enforced: a pod with none of the settings is refused (so the admitted pods below prove it).
        KubernetesClientException refused = assertThrows(
                KubernetesClientException.class,
                () -> ns.cluster()
                        .client()
                        .pods()
                        .inNamespace(ns.name())
                        .resource(new PodBuilder()
                                .withNewMetadata()
                                .withName("unrestricted")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("c")
                                .withImage("replicagroup/replica:" + Settings.imageVersion())
                                .endContainer()
                                .endSpec()
                                .build())
                        .dryRun()
                        .create());
        assertTrue(refused.getMessage().contains("violates PodSecurity \"restricted"), refused.getMessage());

        Operator operator = Operator.install(ns);
        Group group = Group.applySpec(ns, "restricted", "  replicas: 2\n  syncAcks: 1\n");
        group.awaitSettled(2, Settings.SETTLE);

        List<Pod> pods =
                Stream.concat(operator.pods().stream(), group.pods().stream()).toList();
        assertEquals(
                4,
                pods.size(),
                "two operator pods and two replicas: "
                        + pods.stream().map(p -> p.getMetadata().getName()).toList());
        for (Pod pod : pods) {
            assertRestricted(pod);
        }
    }

    /** What restricted asks for, on the pod as admitted (so a default the API server filled in counts too). */
    private static void assertRestricted(Pod pod) {
        String name = pod.getMetadata().getName();
        assertTrue(Readiness.isPodReady(pod), name + " is Ready");
        PodSecurityContext podContext = pod.getSpec().getSecurityContext();
        assertEquals(true, podContext.getRunAsNonRoot(), name + ": runAsNonRoot");
        assertNotEquals(Long.valueOf(0), podContext.getRunAsUser(), name + ": not uid 0");
        assertEquals("RuntimeDefault", podContext.getSeccompProfile().getType(), name + ": seccomp RuntimeDefault");
        assertFalse(Boolean.TRUE.equals(pod.getSpec().getHostNetwork()), name + ": no host network");
        assertFalse(Boolean.TRUE.equals(pod.getSpec().getHostPID()), name + ": no host PID");
        List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
        containers.addAll(pod.getSpec().getInitContainers());
        for (Container container : containers) {
            String what = name + "/" + container.getName();
            SecurityContext context = container.getSecurityContext();
            assertEquals(false, context.getAllowPrivilegeEscalation(), what + ": no privilege escalation");
            assertEquals(true, context.getReadOnlyRootFilesystem(), what + ": read-only root filesystem");
            assertFalse(Boolean.TRUE.equals(context.getPrivileged()), what + ": not privileged");
            assertEquals(List.of("ALL"), context.getCapabilities().getDrop(), what + ": every capability dropped");
            assertTrue(
                    context.getCapabilities().getAdd() == null
                            || context.getCapabilities().getAdd().isEmpty(),
                    what + ": none added");
        }
    }

    /** The rules of {@code account} in {@code namespace} that the namespace's default ServiceAccount lacks. */
    private static List<String> beyondBaseline(TestNamespace ns, String account, String namespace) {
        TreeSet<String> rules = new TreeSet<>(rules(ns, account, namespace));
        rules.removeAll(rules(ns, "default", namespace));
        return List.copyOf(rules);
    }

    /** Each rule as "resource [names] verbs", verbs sorted: kubectl's order and spacing are not the point. */
    private static Set<String> rules(TestNamespace ns, String account, String namespace) {
        String listed = ns.cluster()
                .tools()
                .kubectl(
                        "auth",
                        "can-i",
                        "--list",
                        "--as=system:serviceaccount:" + ns.name() + ":" + account,
                        "--namespace",
                        namespace);
        TreeSet<String> rules = new TreeSet<>();
        listed.lines().skip(1).forEach(line -> {
            Matcher m = RULE.matcher(line);
            if (!m.matches()) {
                throw new IllegalStateException("kubectl auth can-i --list printed a line not of the form"
                        + " 'RESOURCE [URLS] [NAMES] [VERBS]': " + line);
            }
            String subject = m.group(1) != null ? m.group(1) : m.group(2);
            String names = m.group(3).isBlank() ? "" : " [" + m.group(3) + "]";
            String[] verbs = m.group(4).trim().split("\\s+");
            Arrays.sort(verbs);
            rules.add(subject + names + " " + String.join(",", verbs));
        });
        return rules;
    }

    private static String diff(List<String> expected, List<String> actual) {
        StringBuilder diff = new StringBuilder();
        expected.stream()
                .filter(l -> !actual.contains(l))
                .forEach(l -> diff.append("- ").append(l).append('\n'));
        actual.stream()
                .filter(l -> !expected.contains(l))
                .forEach(l -> diff.append("+ ").append(l).append('\n'));
        return diff.length() == 0 ? "(the same lines in another order)\n" : diff.toString();
    }
}
