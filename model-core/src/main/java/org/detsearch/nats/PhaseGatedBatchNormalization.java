package org.detsearch.nats;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * DL4J's batch normalisation whose running statistics move on weight steps only. DL4J updates the running mean
 * and variance as "gradients" through a hard-wired no-op updater; here that updater is a {@link PhaseGatedUpdater}
 * around it, so an architecture step leaves the statistics as they were (gamma and beta take the network's gated
 * updater like any weight). Otherwise identical to the batch norm it replaces (same parameters, same names).
 */
public class PhaseGatedBatchNormalization extends BatchNormalization {
    private IUpdater statisticsUpdater;

    public PhaseGatedBatchNormalization() {
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return switch (paramName) {
            case BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_VAR,
                 BatchNormalizationParamInitializer.GLOBAL_LOG_STD -> statisticsUpdater;
            default -> super.getUpdaterByParam(paramName);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhaseGatedBatchNormalization b && super.equals(o)
                && java.util.Objects.equals(statisticsUpdater, b.statisticsUpdater);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), statisticsUpdater);
    }

    @Override
    public PhaseGatedBatchNormalization clone() {
        PhaseGatedBatchNormalization copy = (PhaseGatedBatchNormalization) super.clone();
        copy.statisticsUpdater = statisticsUpdater == null ? null : statisticsUpdater.clone();
        return copy;
    }

    public IUpdater getStatisticsUpdater() {
        return statisticsUpdater;
    }

    public void setStatisticsUpdater(IUpdater statisticsUpdater) {
        this.statisticsUpdater = statisticsUpdater;
    }
}
