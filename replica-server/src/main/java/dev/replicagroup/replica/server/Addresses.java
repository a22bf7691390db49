package dev.replicagroup.replica.server;

import java.util.Arrays;
import java.util.List;

/** Parses and checks HOST:PORT addresses given on the command line. */
public final class Addresses {
    private Addresses() {}

    /** Throws with a message naming the option if {@code address} is not HOST:PORT. */
    public static String check(String address, String option) {
        int colon = address.lastIndexOf(':');
        String problem = null;
        if (colon <= 0 || colon == address.length() - 1) {
            problem = "is not HOST:PORT";
        } else {
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    problem = "has port " + port + ", outside 1..65535";
                }
            } catch (NumberFormatException e) {
                problem = "has a port that is not a number";
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException(option + " '" + address + "' " + problem + " (example: 127.0.0.1:7001)");
        }
        return address;
    }

    /** A comma-separated list of HOST:PORT. */
    public static List<String> parseList(String list, String option) {
        List<String> addresses = Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException(option + " needs at least one HOST:PORT");
        }
        addresses.forEach(a -> check(a, option));
        return addresses;
    }
}
