package dev.replicagroup.operator.crd;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the build does to each version of the generated ReplicaGroup CRD ({@code
 * quarkus.operator-sdk.crd.post-processor} takes one class): the printer columns' order, then the quantity rules.
 */
public final class CrdPostProcessor implements CRDPostProcessor {
    private static final List<Consumer<CustomResourceDefinitionVersion>> STEPS =
            List.of(PrinterColumnOrder::apply, QuantityRules::apply);

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition v1
                && v1.getMetadata().getName().equals(HasMetadata.getFullResourceName(ReplicaGroup.class))) {
            v1.getSpec().getVersions().forEach(version -> STEPS.forEach(step -> step.accept(version)));
        }
        return crd;
    }
}
