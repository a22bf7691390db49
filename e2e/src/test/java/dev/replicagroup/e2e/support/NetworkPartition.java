package dev.replicagroup.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cuts a pod off from chosen pod IPs, both directions, with iptables DROP rules inside the pod's own network
 * namespace (entered from the node with nsenter through the container's host PID). Nothing outside that
 * namespace changes: the kubelet's probes and the suite's clients come from the node's bridge address, not from a
 * pod IP, so they still reach the pod, and no traffic is sent anywhere new. The rules live in a chain of their own,
 * so lifting the partition removes exactly them (and they go with the namespace when the pod does).
 */
public final class NetworkPartition implements AutoCloseable {
    private static final String CHAIN = "RG-E2E-PARTITION";

    private final long pid;
    private final List<String> peers;
    private boolean lifted;

    private NetworkPartition(long pid, List<String> peers) {
        this.pid = pid;
        this.peers = List.copyOf(peers);
    }

    /** Drops every packet between the process's network namespace and {@code peers} (IP addresses). */
    public static NetworkPartition isolate(HostProcess process, List<String> peers) {
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("a partition needs at least one peer to cut off");
        }
        NetworkPartition partition = new NetworkPartition(process.pid(), peers);
        // One iptables-restore, one commit: the whole cut takes effect at once, the moment the fault's clock is
        // about (a rule per process took 150-300 ms on a busy node, the jumps last, and the clock ran meanwhile).
        StringBuilder rules = new StringBuilder("*filter\n:" + CHAIN + " - [0:0]\n");
        for (String peer : peers) {
            rules.append("-A ").append(CHAIN).append(" -s ").append(peer).append(" -j DROP\n");
            rules.append("-A ").append(CHAIN).append(" -d ").append(peer).append(" -j DROP\n");
        }
        rules.append("-I INPUT 1 -j ").append(CHAIN).append('\n');
        rules.append("-I OUTPUT 1 -j ").append(CHAIN).append("\nCOMMIT\n");
        partition.run(rules.toString(), "iptables-restore", "--noflush");
        System.out.println("e2e: partitioned the network namespace of pid " + process.pid() + " from " + peers);
        return partition;
    }

    public List<String> peers() {
        return peers;
    }

    /** Removes the rules; a namespace already gone (pod deleted) has nothing left to lift. */
    @Override
    public synchronized void close() {
        if (lifted) {
            return;
        }
        lifted = true;
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc", Long.toString(pid), "ns", "net"))) {
            return;
        }
        iptables("-D", "INPUT", "-j", CHAIN);
        iptables("-D", "OUTPUT", "-j", CHAIN);
        iptables("-F", CHAIN);
        iptables("-X", CHAIN);
        System.out.println("e2e: lifted the partition of pid " + pid + " from " + peers);
    }

    private void iptables(String... rule) {
        List<String> args = new ArrayList<>(List.of("iptables", "-w"));
        args.addAll(List.of(rule));
        run("", args.toArray(String[]::new));
    }

    /** Runs {@code args} inside the namespace with {@code input} on its standard input. */
    private void run(String input, String... args) {
        List<String> command = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n"));
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(Settings.HOST_COMMAND.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", command), e);
        }
    }
}
