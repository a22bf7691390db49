package dev.replicagroup.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A group of replicas of the key-value server with one primary behind a stable Service. */
@Group(ReplicaGroup.GROUP)
@Version(ReplicaGroup.VERSION)
@ShortNames("rg")
// kubectl get rg: NAME READY PRIMARY TERM PHASE AGE, in this order (PrinterColumnOrder keeps it in the CRD).
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.ready",
        type = AdditionalPrinterColumn.Type.STRING,
        getDescription = "Ready replicas of those wanted (spec.replicas), as kubectl shows a Deployment's")
@AdditionalPrinterColumn(
        name = "Primary",
        jsonPath = ".status.currentPrimary",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Term", jsonPath = ".status.term", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class ReplicaGroup extends CustomResource<ReplicaGroupSpec, ReplicaGroupStatus> implements Namespaced {
    public static final String GROUP = "replicagroup.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    @Required
    public ReplicaGroupSpec getSpec() {
        return super.getSpec();
    }
}
