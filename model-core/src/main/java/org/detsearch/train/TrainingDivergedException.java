package org.detsearch.train;

/** A loss that became NaN or infinite: training stops, naming the iteration and the loss part. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
