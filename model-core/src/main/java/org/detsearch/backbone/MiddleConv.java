package org.detsearch.backbone;

/**
 * The middle 3x3 convolution of one bottleneck block, as the block builder asks for it: its Keras layer name
 * ({@code res{stage}{block}_branch2b}), where it sits, its channels (input = output) and groups (the cardinality;
 * 1 for a ResNet). In the Keras v1 layout its stride is always 1 (a stage's stride sits on the first 1x1).
 */
public record MiddleConv(String name, int stage, int block, int channels, int groups) {
    public MiddleConv {
        if (stage < 2 || stage > 5 || block < 0 || channels < 1 || groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("bad bottleneck convolution " + name + ": stage " + stage + ", block "
                    + block + ", " + channels + " channels in " + groups + " groups");
        }
    }
}
