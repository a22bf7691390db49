package dev.replicagroup.e2e.support;

/**
 * The starting point of most tests, the README's first two commands: the operator installed with Helm and the
 * example ReplicaGroup applied, settled with every replica Ready and the primary behind its Service.
 */
public record Deployed(Operator operator, Group group, GroupStatus status) {
    public static final int EXAMPLE_REPLICAS = 3;

    public static Deployed example(TestNamespace ns) {
        Operator operator = Operator.install(ns);
        Group group = Group.applyExample(ns);
        return new Deployed(operator, group, group.awaitSettled(EXAMPLE_REPLICAS, Settings.SETTLE));
    }
}
