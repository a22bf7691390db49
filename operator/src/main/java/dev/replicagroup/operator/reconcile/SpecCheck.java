package dev.replicagroup.operator.reconcile;

import dev.replicagroup.operator.crd.FailoverSpec;
import dev.replicagroup.operator.crd.ReplicaGroupSpec;
import dev.replicagroup.operator.crd.StorageSpec;
import dev.replicagroup.operator.crd.TlsSpec;
import dev.replicagroup.operator.resources.GroupTls;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The spec rules the CRD's schema and CEL also enforce, checked again here: an API server without CEL
 * (or an object stored before the rule) must get a clear error in status, not a crashing reconciler.
 */
public final class SpecCheck {
    private static final Pattern IMAGE = Pattern.compile(ReplicaGroupSpec.IMAGE_PATTERN);

    private SpecCheck() {}

    public static Optional<String> problem(ReplicaGroupSpec spec) {
        if (spec == null) {
            return Optional.of("spec is missing");
        }
        if (spec.getReplicas() < 1) {
            return Optional.of("replicas must be at least 1, got " + spec.getReplicas());
        }
        if (spec.getSyncAcks() < 0 || spec.getSyncAcks() >= spec.getReplicas()) {
            return Optional.of("syncAcks must be between 0 and replicas - 1 (" + (spec.getReplicas() - 1) + "), got "
                    + spec.getSyncAcks());
        }
        if (spec.getReadinessProbe() == null || spec.getFailover() == null || spec.getReads() == null) {
            return Optional.of("readinessProbe, failover and reads must be objects");
        }
        int staleness = spec.getReads().getMaxStalenessMillis();
        if (staleness < 0 || staleness > 600000) {
            return Optional.of("reads.maxStalenessMillis must be between 0 and 600000, got " + staleness);
        }
        if (spec.getImage() != null && !IMAGE.matcher(spec.getImage()).matches()) {
            return Optional.of("image must be an image reference such as replicagroup/replica:0.1.0, got '"
                    + spec.getImage() + "'");
        }
        Optional<String> resources = resources(spec.getResources());
        if (resources.isPresent()) {
            return resources;
        }
        if (spec.getStorage() != null) {
            Optional<String> storage = storage(spec.getStorage());
            if (storage.isPresent()) {
                return storage;
            }
        }
        if (spec.getTls() != null
                && !spec.getTls().isEnabled()
                && GroupTls.userSecret(spec).isPresent()) {
            return Optional.of(TlsSpec.SECRET_WITHOUT_ENABLED);
        }
        if (spec.getTls() != null && GroupTls.issuer(spec).isPresent()) {
            if (!spec.getTls().isEnabled()) {
                return Optional.of(TlsSpec.ISSUER_WITHOUT_ENABLED);
            }
            if (GroupTls.userSecret(spec).isPresent()) {
                return Optional.of(TlsSpec.SECRET_AND_ISSUER);
            }
            if (GroupTls.issuer(spec).get().getName() == null
                    || GroupTls.issuer(spec).get().getName().isBlank()) {
                return Optional.of("tls.issuerRef.name is empty: name the cert-manager Issuer or ClusterIssuer");
            }
        }
        return timing(spec.getFailover());
    }

    /** The size must be a positive quantity: the PVCs are made with it. */
    static Optional<String> storage(StorageSpec storage) {
        String size = storage.getSize();
        if (size == null || size.isBlank()) {
            return Optional.of("storage.size is required when storage is set (e.g. 1Gi)");
        }
        Optional<BigDecimal> amount = amount(new Quantity(size));
        if (amount.isEmpty()) {
            return Optional.of("storage.size must be a quantity such as 1Gi or 500Mi, got '" + size + "'");
        }
        if (amount.get().signum() <= 0) {
            return Optional.of("storage.size must be more than 0, got " + size);
        }
        return Optional.empty();
    }

    /** Each limit and request must be a quantity (QuantityRules in the CRD): the pods are made with them. */
    static Optional<String> resources(ResourceRequirements resources) {
        if (resources == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, Map<String, Quantity>> kind : List.of(
                Map.entry("limits", Objects.requireNonNullElse(resources.getLimits(), Map.<String, Quantity>of())),
                Map.entry(
                        "requests", Objects.requireNonNullElse(resources.getRequests(), Map.<String, Quantity>of())))) {
            for (Map.Entry<String, Quantity> quantity : kind.getValue().entrySet()) {
                if (quantity.getValue() == null || amount(quantity.getValue()).isEmpty()) {
                    return Optional.of("resources." + kind.getKey() + "." + quantity.getKey()
                            + " must be a quantity, such as 500m or 2 for cpu and 256Mi or 1Gi for memory, got '"
                            + quantity.getValue() + "'");
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<BigDecimal> amount(Quantity quantity) {
        try {
            return Optional.of(Quantity.getAmountInBytes(quantity));
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** The timing inequality of operator/README.md; the replica refuses to start without it. */
    static Optional<String> timing(FailoverSpec f) {
        if (f.getHeartbeatMillis() < 1 || f.getClockDriftMillis() < 0) {
            return Optional.of("failover.heartbeatMillis must be positive and clockDriftMillis not negative, got "
                    + f.getHeartbeatMillis() + " and " + f.getClockDriftMillis());
        }
        if (f.getLeaseMillis() + f.getClockDriftMillis() >= f.getDetectionMillis()) {
            return Optional.of("failover.leaseMillis + clockDriftMillis (" + f.getLeaseMillis() + " + "
                    + f.getClockDriftMillis() + ") must be less than detectionMillis (" + f.getDetectionMillis()
                    + "): an isolated primary must stop serving before its helpers report it lost");
        }
        if (2L * f.getHeartbeatMillis() > f.getLeaseMillis()) {
            return Optional.of(
                    "failover.leaseMillis (" + f.getLeaseMillis() + ") must be at least 2 * heartbeatMillis ("
                            + f.getHeartbeatMillis() + "): one lost heartbeat must not end the lease");
        }
        return Optional.empty();
    }
}
