package dev.replicagroup.operator.resources;

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

    public static String primaryService(String group) {
        return group;
    }

    public static String helpersService(String group) {
        return group + "-helpers";
    }

    public static String peersService(String group) {
        return group + "-peers";
    }

    public static String tokenSecret(String group) {
        return group + "-admin-token";
    }

    public static String disruptionBudget(String group) {
        return group;
    }
}
