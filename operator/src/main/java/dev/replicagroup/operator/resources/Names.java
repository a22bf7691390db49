package dev.replicagroup.operator.resources;

import java.util.Optional;
import java.util.OptionalInt;

/** Names of the owned objects, derived from the group's name. */
public final class Names {
    private Names() {}

    public static String pod(String group, int ordinal) {
        return group + "-" + ordinal;
    }

    /** The ordinal of a pod named {@code <group>-<n>}, or empty for a name of another shape. */
    public static OptionalInt ordinal(String group, String pod) {
        String prefix = group + "-";
        if (!pod.startsWith(prefix)) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(pod.substring(prefix.length())));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** The member's volume claim: named for its pod, so the pod of the same ordinal finds it again. */
    public static String claim(String pod) {
        return pod + "-data";
    }

    /** The pod whose claim this is, or empty for a name of another shape. */
    public static Optional<String> claimPod(String claim) {
        return claim.endsWith("-data")
                ? Optional.of(claim.substring(0, claim.length() - "-data".length()))
                : Optional.empty();
    }

    public static String primaryService(String group) {
        return group;
    }

    public static String readService(String group) {
        return group + "-read";
    }

    public static String peersService(String group) {
        return group + "-peers";
    }

    public static String tokenSecret(String group) {
        return group + "-admin-token";
    }

    /** The group's own certificate authority (spec.tls without a secretName): ca.crt and ca.key. */
    public static String caSecret(String group) {
        return group + "-ca";
    }

    /** The certificate the operator issues to the group's members (spec.tls without a secretName). */
    public static String tlsSecret(String group) {
        return group + "-tls";
    }

    /** With spec.tls.issuerRef: the cert-manager Certificate's name (the group's own). */
    public static String certificate(String group) {
        return group;
    }

    /** With spec.tls.issuerRef: the Secret cert-manager writes, apart from the operator-CA's {@link #tlsSecret}. */
    public static String certManagerSecret(String group) {
        return group + "-cert-manager-tls";
    }

    public static String disruptionBudget(String group) {
        return group;
    }
}
