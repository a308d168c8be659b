package org.detsearch.nats;

/**
 * How a searched convolution's output channels are split into the groups that each get their own architecture
 * vector (PAPERS 1.3): a fixed number of groups per layer ({@code N}, Table 2; best N = 16) or a fixed number of
 * channels per group ({@code C}, Table 3; best C = 32).
 * <p>
 * For ResNeXt the groups must line up with the cardinal groups of the grouped convolution (each search group made
 * of whole cardinal groups, or each cardinal group made of whole search groups), so that the decoded channel split
 * can respect the cardinal groups.
 */
public record ChannelGrouping(Mode mode, int value) implements java.io.Serializable {
    public enum Mode { GROUPS, CHANNELS_PER_GROUP }

    public ChannelGrouping {
        if (value < 1) {
            throw new IllegalArgumentException("the number of groups or channels per group must be >= 1, got " + value);
        }
    }

    public static ChannelGrouping groups(int n) {
        return new ChannelGrouping(Mode.GROUPS, n);
    }

    public static ChannelGrouping channelsPerGroup(int c) {
        return new ChannelGrouping(Mode.CHANNELS_PER_GROUP, c);
    }

    /** The paper's best setting with a fixed number of groups: N = 16. */
    public static ChannelGrouping paper() {
        return groups(16);
    }

    /**
     * Number of search groups of a layer with {@code channels} outputs in {@code cardinality} cardinal groups.
     *
     * @throws IllegalArgumentException naming the layer when the groups do not divide the channels evenly or do not
     *                                  line up with the cardinal groups
     */
    public int groupsOf(String layer, int channels, int cardinality) {
        int groupSize = mode == Mode.GROUPS ? channels / value : value;
        if (groupSize < 1 || channels % groupSize != 0 || (mode == Mode.GROUPS && channels % value != 0)) {
            throw new IllegalArgumentException(layer + ": " + this + " does not split its " + channels
                    + " output channels evenly");
        }
        int cardinalWidth = channels / cardinality;
        if (groupSize % cardinalWidth != 0 && cardinalWidth % groupSize != 0) {
            throw new IllegalArgumentException(layer + ": search groups of " + groupSize + " channels do not line up with its "
                    + cardinality + " cardinal groups of " + cardinalWidth + " channels");
        }
        return channels / groupSize;
    }

    @Override
    public String toString() {
        return mode == Mode.GROUPS ? value + " groups" : value + " channels per group";
    }
}
