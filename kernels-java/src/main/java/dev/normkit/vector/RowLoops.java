package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;

import java.nio.ByteOrder;

/**
 * Constants and checks the row kernels' loops share. The rules every vector loop follows are in this package's
 * documentation ({@code package-info.java}).
 */
final class RowLoops {
    private RowLoops() {}

    static final ByteOrder BYTE_ORDER = ByteOrder.nativeOrder();
    static final int LANES = F.length();

    /**
     * Whether a row's f32 sum of squares {@code squares} cannot be trusted and must be recomputed in double: it
     * overflowed (or is NaN), or it is so small that f32 squares lost precision to underflow while {@code eps} is too
     * small to hide the loss.
     */
    static boolean squaresNeedDouble(float squares, float eps) {
        return !(squares < Float.POSITIVE_INFINITY) || (squares < 0x1p-90f && eps < 0x1p-60f);
    }
}
