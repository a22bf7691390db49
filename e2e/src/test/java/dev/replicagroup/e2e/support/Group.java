package dev.replicagroup.e2e.support;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** One ReplicaGroup in the test's namespace, observed from outside: its status, pods, Services and events. */
public final class Group {
    public static final String API_VERSION = "replicagroup.dev/v1alpha1";
    public static final String KIND = "ReplicaGroup";
    public static final String GROUP_LABEL = "replicagroup.dev/group";
    public static final String ROLE_LABEL = "replicagroup.dev/role";

    private final TestNamespace ns;
    private final String name;

    private Group(TestNamespace ns, String name) {
        this.ns = ns;
        this.name = name;
    }

    /** kubectl apply of k8s/examples/replicagroup.yaml, as the README tells the user. */
    public static Group applyExample(TestNamespace ns) {
        return apply(ns, Settings.repoRoot().resolve("k8s/examples/replicagroup.yaml"));
    }

    public static Group apply(TestNamespace ns, Path manifest) {
        String applied =
                ns.cluster().tools().kubectl("apply", "-n", ns.name(), "-f", manifest.toString(), "-o", "name");
        String resource = applied.lines()
                .filter(l -> l.startsWith("replicagroup."))
                .findFirst()
                .orElseThrow(() -> new AssertionError(manifest + " holds no ReplicaGroup: " + applied));
        return new Group(ns, resource.substring(resource.indexOf('/') + 1).trim());
    }

    /** Applies a ReplicaGroup named {@code name} with {@code specYaml} (the lines under spec, indented by two). */
    public static Group applySpec(TestNamespace ns, String name, String specYaml) throws IOException {
        Path manifest = Files.createTempFile(name + "-", ".yaml");
        try {
            Files.writeString(
                    manifest,
                    "apiVersion: " + API_VERSION + "\nkind: " + KIND + "\nmetadata:\n  name: " + name + "\nspec:\n"
                            + specYaml);
            return apply(ns, manifest);
        } finally {
            Files.delete(manifest);
        }
    }

    public String name() {
        return name;
    }

    /** The group's admin token, from the Secret the operator made (what admin and peer calls must carry). */
    public String adminToken() {
        Secret secret = client().secrets()
                .inNamespace(ns.name())
                .withName(name + "-admin-token")
                .get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey("token")) {
            throw new AssertionError("no admin token Secret " + name + "-admin-token in " + ns.name());
        }
        return new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    }

    private KubernetesClient client() {
        return ns.cluster().client();
    }

    public GenericKubernetesResource resource() {
        return client().genericKubernetesResources(API_VERSION, KIND)
                .inNamespace(ns.name())
                .withName(name)
                .get();
    }

    public GroupStatus status() {
        return GroupStatus.of(resource());
    }

    public List<Pod> pods() {
        return client().pods().inNamespace(ns.name()).withLabel(GROUP_LABEL, name).list().getItems().stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
    }

    /** The members' PersistentVolumeClaims (spec.storage), by name. */
    public List<PersistentVolumeClaim> claims() {
        return client()
                .persistentVolumeClaims()
                .inNamespace(ns.name())
                .withLabel(GROUP_LABEL, name)
                .list()
                .getItems()
                .stream()
                .sorted(Comparator.comparing(c -> c.getMetadata().getName()))
                .toList();
    }

    public Pod pod(String podName) {
        return client().pods().inNamespace(ns.name()).withName(podName).get();
    }

    /** Deletes the pod (its grace period as the pod says) and returns once the API server has taken the delete. */
    public void deletePod(String podName) {
        assertFalse(
                client().pods()
                        .inNamespace(ns.name())
                        .withName(podName)
                        .delete()
                        .isEmpty(),
                "pod " + podName + " was there to delete");
    }

    /** Every wanted replica Ready, a primary named in status, no failover under way. */
    public GroupStatus awaitSettled(int replicas, Duration atMost) {
        return await("group " + name + " settled with " + replicas + " Ready replicas", atMost)
                .until(this::status, s -> {
                    List<Pod> pods = pods();
                    return s.currentPrimary() != null
                            && !s.failoverUnderWay()
                            && s.readyReplicas() == replicas
                            && pods.size() == replicas
                            && pods.stream().allMatch(Readiness::isPodReady)
                            && primaryEndpointIs(s.currentPrimary());
                });
    }

    /** The names of the pods the Service's EndpointSlices point at, ready or not. */
    public List<Endpoint> endpoints(String service) {
        return client()
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(ns.name())
                .withLabel("kubernetes.io/service-name", service)
                .list()
                .getItems()
                .stream()
                .map(EndpointSlice::getEndpoints)
                .filter(java.util.Objects::nonNull)
                .flatMap(List::stream)
                .map(e -> new Endpoint(
                        e.getTargetRef() == null ? null : e.getTargetRef().getName(),
                        e.getAddresses().isEmpty() ? null : e.getAddresses().get(0),
                        e.getConditions() != null
                                && Boolean.TRUE.equals(e.getConditions().getReady())))
                .toList();
    }

    /** The primary Service has exactly one endpoint, Ready, and it is {@code pod}. */
    public boolean primaryEndpointIs(String pod) {
        List<Endpoint> endpoints = endpoints(name);
        return endpoints.size() == 1
                && pod.equals(endpoints.get(0).pod())
                && endpoints.get(0).ready();
    }

    /** ClusterIP:port of the primary Service (port named grpc): what a client in the cluster would use. */
    public String primaryServiceAddress() {
        return serviceAddress(name);
    }

    /** The ClusterIP and gRPC port of the group's Service {@code serviceName}. */
    public String serviceAddress(String serviceName) {
        Service service =
                client().services().inNamespace(ns.name()).withName(serviceName).get();
        int port = service.getSpec().getPorts().stream()
                .filter(p -> "grpc".equals(p.getName()))
                .map(ServicePort::getPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("Service " + name + " has no port named grpc"));
        return service.getSpec().getClusterIP() + ":" + port;
    }

    /** The events the operator recorded on this group (kubectl get events --field-selector involvedObject.kind=ReplicaGroup). */
    public List<Event> events() {
        return client().v1().events().inNamespace(ns.name()).list().getItems().stream()
                .filter(e -> KIND.equals(e.getInvolvedObject().getKind())
                        && name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    /** Those of the events with this reason. */
    public List<Event> events(String reason) {
        return events().stream().filter(e -> reason.equals(e.getReason())).toList();
    }

    /**
     * The events seen so far, each as one occurrence (uid and series count): a repeat the operator counts later in
     * an event's series (events.k8s.io/v1, same object) is new to {@link #isNew(Event, Set)}.
     */
    public Set<String> seenEvents() {
        return client().v1().events().inNamespace(ns.name()).list().getItems().stream()
                .map(Group::occurrence)
                .collect(Collectors.toSet());
    }

    /** Whether this event, or its latest repeat, happened after {@code seen} was taken ({@link #seenEvents()}). */
    public static boolean isNew(Event event, Set<String> seen) {
        return !seen.contains(occurrence(event));
    }

    private static String occurrence(Event event) {
        return event.getMetadata().getUid() + "#"
                + (event.getSeries() == null ? 1 : event.getSeries().getCount());
    }

    /** A new event (not in {@code before}) with this reason whose message matches. */
    public Event awaitNewEvent(String reason, Set<String> before, Predicate<String> message, Duration atMost) {
        return await("a new " + reason + " event on " + name, atMost)
                .until(
                        () -> events(reason).stream()
                                .filter(e -> isNew(e, before))
                                .filter(e -> message.test(e.getMessage()))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    public void kubectl(String... args) {
        ns.cluster().tools().kubectl(withNamespace(args));
    }

    public String kubectlOutput(String... args) {
        return ns.cluster().tools().kubectl(withNamespace(args));
    }

    /** {@code kubectl rg ARGS -n NS} (the repository's plugin); its exit code and output, not thrown. */
    public Tools.Result kubectlRg(String... args) {
        return ns.cluster().tools().kubectlPlugin(withNamespace(args));
    }

    private String[] withNamespace(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "-n";
        all[args.length + 1] = ns.name();
        return all;
    }

    /** Waits (up to the settle time) for a status that matches. */
    public static GroupStatus awaitStatus(Group group, String what, Predicate<GroupStatus> matches) {
        return await(what, Settings.SETTLE).until(group::status, matches);
    }

    public static ConditionFactory await(String what, Duration atMost) {
        return Awaitility.await(what).atMost(atMost).pollInterval(Settings.POLL).ignoreExceptions();
    }
}
