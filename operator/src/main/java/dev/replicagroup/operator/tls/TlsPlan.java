package dev.replicagroup.operator.tls;

import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.resources.GroupTls;
import dev.replicagroup.operator.resources.ReplicaPods;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/**
 * Whether spec.tls can be carried out with the pods that exist. Pure. A member with TLS cannot replicate from one
 * without it, nor the other way (a TLS member dials its peers over TLS only, and a plaintext one in plaintext), so
 * no rolling update can move a running group between the two: every replacement would wait, never caught up, and
 * any pod made meanwhile (a failed helper's replacement, a scale-up) could not join its primary. The CRD's
 * transition rule refuses the change at admission; this catches an object the rule did not see.
 */
public final class TlsPlan {
    private TlsPlan() {}

    public static Optional<String> problem(ReplicaGroupSpec spec, List<Pod> pods) {
        boolean wanted = GroupTls.enabled(spec);
        List<String> mismatched = pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> ReplicaPods.tlsSecret(p).isPresent() != wanted)
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
        if (mismatched.isEmpty()) {
            return Optional.empty();
        }
        String members = String.join(", ", mismatched);
        return Optional.of(
                wanted
                        ? "tls.enabled cannot be turned on in an existing group: " + members + " serve without TLS,"
                                + " and a member with TLS cannot replicate from them; set tls.enabled back to false,"
                                + " or create a new ReplicaGroup with TLS and move the data to it"
                        : "tls.enabled cannot be turned off in an existing group: " + members + " serve TLS, and a"
                                + " member without it cannot replicate from them; set tls.enabled back to true, or"
                                + " create a new ReplicaGroup without TLS and move the data to it");
    }
}
