package dev.normkit.example;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.Shape;
import java.util.Arrays;

/** Layer norm of two rows of four on the fastest Java path this JVM can run. */
public final class EmbeddingExample {
    public static void main(String[] args) {
        float[] src = {1, 2, 3, 4, -2, 0, 2, 4};
        float[] gamma = {1, 1, 1, 1};
        float[] beta = {0, 0, 0, 0};
        float[] dst = new float[src.length];

        Backend path = Backends.defaultBackend(); // vector with jdk.incubator.vector resolved, else scalar
        try (LayerNormKernel ln = path.create(LayerNormDesc.of(Shape.of(2, 4)))) {
            ln.forward(src, dst, gamma, beta);
        }
        System.out.println(path.name() + " " + Arrays.toString(dst));
    }
}
