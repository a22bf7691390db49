package dev.replicagroup.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The faults the suite does to a primary, each a {@link FailoverCheck.Fault}: the failover tests run one each and
 * the soak ({@link Soak}) runs them in a seeded order on one group.
 */
public final class Faults {
    static final String REPLICA = "replica";
    static final String OPERATOR = "operator";

    private Faults() {}

    /**
     * The pod deleted through the suite's API client, not a kubectl process: the fault's clock starts when the
     * API server takes the delete, not a process start-up earlier (0.2-0.4 s on a busy machine).
     */
    public static FailoverCheck.Fault podDeleted() {
        return (d, primary) -> d.group().deletePod(primary);
    }

    /**
     * The JVM dies inside its container. Replica pods run with restartPolicy Never (a process restarted in place
     * would come back empty under the same name), so the pod ends Failed and the operator replaces it.
     */
    public static JvmKilled jvmKilled() {
        return new JvmKilled();
    }

    /** SIGSTOP: the process and its TCP port live on, only the gRPC readiness probe sees it hang; SIGCONT after. */
    public static FailoverCheck.Fault frozen() {
        return new FailoverCheck.Fault() {
            private HostProcess frozen;

            @Override
            public void inject(Deployed d, String primary) {
                frozen = HostProcess.of(d.group().pod(primary), REPLICA);
                frozen.stop();
            }

            @Override
            public void afterFailover() {
                if (frozen != null) {
                    frozen.resume(); // the old primary wakes in an old term and must rejoin as a helper
                    frozen = null;
                }
            }
        };
    }

    /**
     * The primary's traffic to and from its helpers dropped (and, with {@code alsoOperator}, the operator pods'),
     * lifted once the failover is over.
     */
    public static FailoverCheck.Fault partition(boolean alsoOperator) {
        return new FailoverCheck.Fault() {
            private NetworkPartition partition;

            @Override
            public void inject(Deployed d, String primary) {
                List<String> peers = new ArrayList<>();
                d.group().pods().stream()
                        .filter(p -> !p.getMetadata().getName().equals(primary))
                        .forEach(p -> addIp(peers, p));
                if (alsoOperator) {
                    d.operator().pods().forEach(p -> addIp(peers, p));
                }
                partition = NetworkPartition.isolate(HostProcess.of(d.group().pod(primary), REPLICA), peers);
            }

            @Override
            public void afterFailover() {
                if (partition != null) {
                    partition.close();
                    partition = null;
                }
            }
        };
    }

    private static void addIp(List<String> peers, Pod pod) {
        String ip = pod.getStatus().getPodIP();
        if (ip != null && !ip.isBlank()) {
            peers.add(ip);
        }
    }

    /** The planned switchover (the promote annotation) to the last helper by name. */
    public static FailoverCheck.Fault switchover() {
        return (d, primary) -> d.group()
                .kubectl("annotate", "rg", d.group().name(), "replicagroup.dev/promote=" + lastHelper(d, primary));
    }

    /** The last of the group's pods by name that is not {@code primary}: where a switchover goes. */
    public static String lastHelper(Deployed d, String primary) {
        return d.group().pods().stream()
                .map(p -> p.getMetadata().getName())
                .filter(n -> !n.equals(primary))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no helper to switch over to besides " + primary));
    }

    /**
     * {@code trigger} (a failover or a switchover), then the operator's leader killed (SIGKILL of its JVM, no chance
     * to give the Lease up): once the failover shows in status when {@code delay} is null (so it surely dies
     * mid-failover), else {@code delay} after the trigger (a random point: before, in or after the failover).
     */
    public static LeaderKilled leaderKilled(FailoverCheck.Fault trigger, Duration delay) {
        return new LeaderKilled(trigger, delay);
    }

    /**
     * Both operator pods gone (their Deployment scaled to 0), then {@code trigger} (the primary dies), and the
     * operator back {@code away} later: nothing can fail over until it is.
     */
    public static FailoverCheck.Fault operatorsGone(FailoverCheck.Fault trigger, Duration away) {
        return new FailoverCheck.Fault() {
            @Override
            public void inject(Deployed d, String primary) throws Exception {
                Deployment deployment = d.operator().deployment();
                String name = "deployment/" + deployment.getMetadata().getName();
                int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
                d.group().kubectl("scale", name, "--replicas=0");
                Group.await("no operator pod left", Settings.SETTLE)
                        .until(() -> d.operator().pods().isEmpty());
                trigger.inject(d, primary);
                System.out.println(
                        "e2e: both operator pods gone while the primary dies; back in " + away.toSeconds() + " s");
                Thread.sleep(away.toMillis());
                d.group().kubectl("scale", name, "--replicas=" + replicas);
            }

            @Override
            public void afterFailover() {
                trigger.afterFailover();
            }
        };
    }

    /** The JVM killed, and which pod (by name and UID) it was, to check it was replaced rather than restarted. */
    public static final class JvmKilled implements FailoverCheck.Fault {
        private String pod;
        private String uid;

        @Override
        public void inject(Deployed d, String primary) {
            Pod victim = d.group().pod(primary);
            pod = primary;
            uid = victim.getMetadata().getUid();
            HostProcess.of(victim, REPLICA).kill();
        }

        /** The killed pod is gone or another one of the same name, never the same pod restarted in place. */
        public boolean replaced(Group group) {
            Pod after = group.pod(pod);
            return after == null || !after.getMetadata().getUid().equals(uid);
        }
    }

    /** See {@link #leaderKilled}. */
    public static final class LeaderKilled implements FailoverCheck.Fault {
        private final FailoverCheck.Fault trigger;
        private final Duration delay;
        private String killed;
        private boolean midFailover;

        LeaderKilled(FailoverCheck.Fault trigger, Duration delay) {
            this.trigger = trigger;
            this.delay = delay;
        }

        /**
         * A standby must be running: repeated on one group, the kill found the other pod still in the kubelet's
         * restart back-off, and the run measured that back-off (up to 61 s), not a takeover.
         */
        @Override
        public void prepare(Deployed d) throws Exception {
            trigger.prepare(d);
            d.operator().awaitStandby();
        }

        @Override
        public void inject(Deployed d, String primary) throws Exception {
            Group group = d.group();
            killed = d.operator().awaitLeader();
            // Found before the trigger, so that the kill follows it by one host call.
            HostProcess leader = HostProcess.of(d.operator().pod(killed), OPERATOR);
            trigger.inject(d, primary);
            GroupStatus at;
            if (delay == null) {
                at = Group.await("the failover under way", Settings.FAILOVER_WAIT)
                        .pollInterval(Duration.ofMillis(20))
                        .until(group::status, GroupStatus::failoverUnderWay);
            } else {
                Thread.sleep(delay.toMillis());
                at = group.status();
            }
            leader.kill();
            midFailover = at.failoverUnderWay();
            System.out.println("e2e: killed operator leader " + killed + " in term " + at.term()
                    + (midFailover ? ", mid-failover" : ", no failover under way"));
        }

        @Override
        public void afterFailover() {
            trigger.afterFailover();
        }

        /** The operator pod that held the Lease and was killed. */
        public String killed() {
            return killed;
        }

        /** Whether status showed a failover under way just before the kill. */
        public boolean midFailover() {
            return midFailover;
        }
    }
}
