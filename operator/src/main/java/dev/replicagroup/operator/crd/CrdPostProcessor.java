package dev.replicagroup.operator.crd;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/** What the build does to the generated CRD ({@code quarkus.operator-sdk.crd.post-processor} takes one class). */
public final class CrdPostProcessor implements CRDPostProcessor {
    private static final List<CRDPostProcessor> STEPS = List.of(new PrinterColumnOrder(), new QuantityRules());

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        HasMetadata processed = crd;
        for (CRDPostProcessor step : STEPS) {
            processed = step.process(processed, crdSpecVersion);
        }
        return processed;
    }
}
