package org.detsearch.nats;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.detsearch.backbone.LoadsPretrainedParameters;
import org.detsearch.nn.GroupedConv2d;
import org.detsearch.nn.HandwrittenConvolution;
import org.detsearch.nn.ParamLayout;
import org.detsearch.nn.Views;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The NATS supernet's searched 3x3 convolution (PAPERS 1.3, 1.10): every candidate dilation g convolves the whole
 * input to all C_out channels, y_g = conv_{d_g}(x; W_g) + b_g (padding = dilation per axis, so all candidates have
 * the output size of the original); the output channels are split into N search groups and group i takes
 * y_i = sum_g softmax(alpha_i)_g y_g[group i]. The block's batch norm and ReLU follow as separate layers.
 * <p>
 * Parameters: {@code b} [copies, C_out] (only when the original convolution has a bias, as the Keras layout's do),
 * {@code W} [copies, C_out, C_in / groups, 3, 3] with one copy per candidate ({@link KernelSharing#COPIED}) or one
 * for all ({@link KernelSharing#TIED}), and the architecture parameters {@code alpha} [N, |G|], initialised to 0
 * (uniform mixing). Alpha has its own updater and regularisation ({@link #getAlphaUpdater()}, default Adam 0.01
 * with betas (0.5, 0.999) as DARTS, and L2 1e-5 on the gradient, as PyTorch's Adam weight decay); W and b take the
 * network's. {@code groups} is the cardinality of a ResNeXt convolution (every candidate is grouped).
 * Configuration fields are bean properties (DL4J serialises configurations through them).
 */
public class DilationSearchConvolution extends HandwrittenConvolution implements LoadsPretrainedParameters {
    public static final String WEIGHT_KEY = "W";
    public static final String BIAS_KEY = "b";
    public static final String ALPHA_KEY = "alpha";

    private KernelSharing sharing = KernelSharing.COPIED;
    private int searchGroups = 1;
    private IUpdater alphaUpdater = new Adam(0.01, 0.5, 0.999, 1e-8);
    private List<Regularization> alphaRegularization = new ArrayList<>(List.of(new L2Regularization(1e-5)));

    public DilationSearchConvolution() {
    }

    /**
     * @param searchGroups N, the number of channel groups with their own architecture vector
     */
    public DilationSearchConvolution(String name, int nOut, int stride, int groups, boolean hasBias, List<Dilation> candidates,
                                     int searchGroups, KernelSharing sharing) {
        this();
        this.layerName = name;
        this.nOut = nOut;
        this.stride = stride;
        this.groups = groups;
        this.hasBias = hasBias;
        this.dilationHeights = candidates.stream().mapToInt(Dilation::h).toArray();
        this.dilationWidths = candidates.stream().mapToInt(Dilation::w).toArray();
        this.searchGroups = searchGroups;
        this.sharing = sharing;
        validate();
    }

    @Override
    protected void validate() {
        if (dilationHeights.length == 0 || dilationHeights.length != dilationWidths.length) {
            throw new IllegalArgumentException(layerName + ": needs at least one candidate dilation");
        }
        if (searchGroups < 1 || nOut % searchGroups != 0) {
            throw new IllegalArgumentException(layerName + ": " + searchGroups + " search groups do not split "
                    + nOut + " output channels evenly");
        }
        checkGroups();
        for (int g = 0; g < candidates(); g++) {
            candidate(g);
        }
    }

    public int candidates() {
        return dilationHeights.length;
    }

    public List<Dilation> candidateDilations() {
        List<Dilation> list = new ArrayList<>();
        for (int g = 0; g < candidates(); g++) {
            list.add(new Dilation(dilationHeights[g], dilationWidths[g]));
        }
        return list;
    }

    /** The convolution of candidate g. */
    GroupedConv2d candidate(int g) {
        return new GroupedConv2d(3, 3, stride, dilationHeights[g], dilationWidths[g], groups);
    }

    /** Kernel copies held: one per candidate, or one shared. */
    public int copies() {
        return sharing == KernelSharing.COPIED ? candidates() : 1;
    }

    private long[] kernelShape() {
        return new long[] {nOut, nIn / groups, 3, 3};
    }

    @Override
    public ParamLayout paramLayout() {
        List<ParamLayout.Entry> entries = new ArrayList<>();
        if (hasBias) {
            entries.add(new ParamLayout.Entry(BIAS_KEY, new long[] {copies(), nOut}, ParamLayout.Role.BIAS));
        }
        long[] kernel = kernelShape();
        entries.add(new ParamLayout.Entry(WEIGHT_KEY, new long[] {copies(), kernel[0], kernel[1], kernel[2], kernel[3]}, ParamLayout.Role.WEIGHT));
        entries.add(new ParamLayout.Entry(ALPHA_KEY, new long[] {searchGroups, candidates()}, ParamLayout.Role.OTHER));
        return new ParamLayout(entries);
    }

    @Override
    public void initialiseParam(String name, INDArray view) {
        switch (name) {
            case ALPHA_KEY -> view.assign(0);
            case BIAS_KEY -> view.assign(Double.isNaN(biasInit) ? 0 : biasInit);
            default -> {
                // every copy starts from the same kernel, as the copies of a pretrained kernel do
                double fanIn = (double) nIn / groups * 9;
                double fanOut = (double) nOut / groups * 9 / ((double) stride * stride);
                long[] shape = kernelShape();
                INDArray flat = Nd4j.createUninitialized(view.dataType(), 1, shape[0] * shape[1] * shape[2] * shape[3]);
                INDArray kernel = weightInitFn.init(fanIn, fanOut, shape, 'c', flat).reshape('c', shape);
                for (int c = 0; c < copies(); c++) {
                    Views.row(view, c).assign(kernel);
                }
            }
        }
    }

    @Override
    public boolean loadPretrained(String param, INDArray source, INDArray target) {
        long[] expected = switch (param) {
            case WEIGHT_KEY -> kernelShape();
            case BIAS_KEY -> new long[] {nOut};
            default -> null;
        };
        // a bias may come as [C_out] or [1, C_out]
        boolean fits = expected != null && (param.equals(BIAS_KEY) ? source.length() == nOut && source.rank() <= 2
                : Arrays.equals(expected, source.shape()));
        if (!fits) {
            return false;
        }
        for (int c = 0; c < copies(); c++) {
            Views.row(target, c).assign(source.reshape(expected));
        }
        return true;
    }

    @Override
    public Set<String> ownParameters() {
        return Set.of(ALPHA_KEY);
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return ALPHA_KEY.equals(paramName) ? alphaUpdater : super.getUpdaterByParam(paramName);
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return ALPHA_KEY.equals(paramName) ? alphaRegularization : super.getRegularizationByParam(paramName);
    }

    @Override
    protected GroupedConv2d outputGeometry() {
        return candidate(0);
    }

    @Override
    protected org.deeplearning4j.nn.layers.BaseLayer<?> runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new DilationSearchConvolutionLayer(conf, dataType);
    }

    /** Every candidate's output is kept for the gradient of alpha. */
    @Override
    protected int trainingWorkingOutputs() {
        return candidates() + 2;
    }

    /** What the supernet computes: every candidate's full convolution, |G| times the original's. */
    @Override
    public long multiplyAdds(InputType output, InputType... inputs) {
        InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) output;
        long inChannels = ((InputType.InputTypeConvolutional) inputs[0]).getChannels();
        return candidates() * candidate(0).multiplyAdds(out.getHeight(), out.getWidth(), nOut, inChannels);
    }

    @Override
    public DilationSearchConvolution clone() {
        DilationSearchConvolution copy = (DilationSearchConvolution) super.clone();
        copy.alphaUpdater = alphaUpdater == null ? null : alphaUpdater.clone();
        copy.alphaRegularization = alphaRegularization == null ? null
                : new ArrayList<>(alphaRegularization.stream().map(Regularization::clone).toList());
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DilationSearchConvolution d && super.equals(o) && sharing == d.sharing && searchGroups == d.searchGroups
               
                && java.util.Objects.equals(alphaUpdater, d.alphaUpdater)
                && java.util.Objects.equals(alphaRegularization, d.alphaRegularization);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), sharing, searchGroups, alphaUpdater);
    }

    public KernelSharing getSharing() {
        return sharing;
    }

    public void setSharing(KernelSharing sharing) {
        this.sharing = sharing;
    }

    public int getSearchGroups() {
        return searchGroups;
    }

    public void setSearchGroups(int searchGroups) {
        this.searchGroups = searchGroups;
    }

    public IUpdater getAlphaUpdater() {
        return alphaUpdater;
    }

    public void setAlphaUpdater(IUpdater alphaUpdater) {
        this.alphaUpdater = alphaUpdater;
    }

    public List<Regularization> getAlphaRegularization() {
        return alphaRegularization;
    }

    public void setAlphaRegularization(List<Regularization> alphaRegularization) {
        this.alphaRegularization = alphaRegularization;
    }
}
