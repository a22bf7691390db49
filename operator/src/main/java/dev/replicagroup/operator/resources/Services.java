package dev.replicagroup.operator.resources;

import dev.replicagroup.operator.crd.ReplicaGroup;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.Map;

/** The three Services of a group and its PodDisruptionBudget. */
public final class Services {
    private Services() {}

    /**
     * {@code <group>}: always the primary, because only the primary's pod carries {@code role=primary}. It routes
     * by that label alone, not by the kubelet's readiness: the label is the operator's decision (moved in the
     * failover's Repoint step), and a labelled replica that does not serve refuses by itself (UNAVAILABLE, with
     * the reason), so readiness adds no safety. Gated by readiness, a just-promoted primary waited for its next
     * probe (every second) and a probe that timed out on a busy node took it out of the Service for a period.
     */
    public static Service primary(ReplicaGroup group) {
        return service(
                group,
                Names.primaryService(group.getMetadata().getName()),
                "primary",
                Labels.roleSelector(group, Labels.PRIMARY),
                group.getSpec().getServiceType(),
                false,
                true);
    }

    /**
     * {@code <group>-read}: Ready helpers (a helper is Ready once it holds what its primary had committed), for
     * reads with bounded staleness (GetRequest.max_staleness_millis): a helper answers only while its state holds
     * every write acknowledged longer ago than the bound, and refuses (UNAVAILABLE) otherwise, so the bound holds
     * whatever the endpoints' lag behind the operator's labels.
     */
    public static Service read(ReplicaGroup group) {
        return service(
                group,
                Names.readService(group.getMetadata().getName()),
                "read",
                Labels.roleSelector(group, Labels.HELPER),
                "ClusterIP",
                false,
                false);
    }

    /** {@code <group>-peers}: headless, every pod Ready or not, gives each pod a DNS name. */
    public static Service peers(ReplicaGroup group) {
        return service(
                group,
                Names.peersService(group.getMetadata().getName()),
                "peers",
                Labels.groupSelector(group),
                null,
                true,
                true);
    }

    private static Service service(
            ReplicaGroup group,
            String name,
            String component,
            Map<String, String> selector,
            String type,
            boolean headless,
            boolean notReadyToo) {
        return new ServiceBuilder()
                .withMetadata(Owners.metadata(group, name, component))
                .withNewSpec()
                .withType(type)
                .withClusterIP(headless ? "None" : null)
                .withPublishNotReadyAddresses(notReadyToo ? Boolean.TRUE : null)
                .withSelector(selector)
                .addNewPort()
                .withName(ReplicaPods.GRPC_PORT_NAME)
                .withPort(ReplicaPods.GRPC_PORT)
                .withTargetPort(new IntOrString(ReplicaPods.GRPC_PORT_NAME))
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    /** Voluntary evictions (node drains) take at most one replica at a time. */
    public static PodDisruptionBudget disruptionBudget(ReplicaGroup group) {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(Owners.metadata(
                        group, Names.disruptionBudget(group.getMetadata().getName()), "disruption-budget"))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(Labels.groupSelector(group))
                .endSelector()
                .endSpec()
                .build();
    }
}
