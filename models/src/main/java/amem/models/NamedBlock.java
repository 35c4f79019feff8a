package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.initializer.Initializer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of amem's blocks: children and parameters carry the Hugging Face GPT-2 names ({@code
 * h.0.attn.c_attn.weight}), so checkpoints, importers and hooks agree on one naming scheme.
 *
 * <p>DJL's own {@link #getParameters()} prefixes child names with a running number ({@code
 * 01h.0_02attn_...}); {@link #collectParameters} walks the same tree with the names given here.
 * Parameter shapes are fixed by the {@link ModelConfig} at construction, so initialisation never
 * depends on input shapes; children record their parent's input shape as DJL metadata only.
 */
public abstract class NamedBlock extends AbstractBlock {

    private final LinkedHashMap<String, NamedBlock> namedChildren = new LinkedHashMap<>();

    /** Registers a child block under its Hugging Face name. */
    protected final <B extends NamedBlock> B child(String name, B block) {
        addChildBlock(name, block);
        namedChildren.put(name, block);
        return block;
    }

    /** Registers a trainable parameter of a fixed shape with its own initialiser. */
    protected final Parameter parameter(
            String name, Parameter.Type type, Shape shape, Initializer initializer) {
        return addParameter(
                Parameter.builder()
                        .setName(name)
                        .setType(type)
                        .optShape(shape)
                        .optInitializer(initializer)
                        .build());
    }

    /** Adds this block's parameters and then its children's, depth first, to {@code out}. */
    final void collectParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        namedChildren.forEach((name, b) -> b.collectParameters(prefix + name + ".", out));
    }

    /** The shape children are initialised with; the residual stream shape by default. */
    protected Shape[] childInputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected final void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] childShapes = childInputShapes(inputShapes);
        for (NamedBlock b : namedChildren.values()) {
            b.initialize(manager, dataType, childShapes);
        }
    }

    /** Most blocks map the residual stream (B, T, n) to the same shape; those that do not override this. */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /**
     * Dropout that costs nothing when off: no engine call at rate 0 or outside training (DJL's
     * dropout would still create an array per call).
     */
    protected static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return x;
        }
        // libtorch's CPU mask costs 8 ns per element on non-Intel CPUs (HostDropout says why).
        return HostDropout.handles(x) ? HostDropout.apply(x, rate) : Dropout.dropout(x, rate, true).singletonOrThrow();
    }
}
