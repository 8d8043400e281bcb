package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Shape;
import dev.normkit.SpectralNormDesc;
import dev.normkit.SpectralNormKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Spectral norm's sigma against the largest singular value of W from an SVD computed here in double (one-sided
 * Jacobi, independent of the power iteration): after enough training steps, each path's sigma must be that value
 * to f32 accuracy, and its dst must have spectral norm 1.
 */
class SpectralNormSvdTest {

    /** f32 sums of a few hundred terms, and a power iteration converged to well below that. */
    private static final double TOL = 2e-6;

    @Test
    void jacobiSvdGivesKnownSingularValues() {
        // diag(3, -5, 2) padded with a zero row: singular values 5, 3, 2.
        double[] d = {3, 0, 0, 0, -5, 0, 0, 0, 2, 0, 0, 0};
        assertEquals(5.0, largestSingularValue(d, 4, 3), 1e-14);
        // A rank-one a b^T has the one singular value ||a|| ||b||: a = (1, 2, 2), b = (3, 4).
        double[] r = {3, 4, 6, 8, 6, 8};
        assertEquals(15.0, largestSingularValue(r, 3, 2), 1e-13);
    }

    @Test
    void sigmaConvergesToTheLargestSingularValueOnEveryJavaPath() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Shape s : List.of(Shape.of(17, 5), Shape.of(64, 3, 7, 7), Shape.of(12, 40), Shape.of(30, 30))) {
            SpectralNormDesc d = SpectralNormDesc.of(s).withPowerIterations(25);
            int rows = (int) d.rows();
            int cols = (int) d.cols();
            SplittableRandom rnd = new SplittableRandom(rows * 31 + cols);
            float[] w = new float[rows * cols];
            for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
            double expected = largestSingularValue(CaseData.widen(w), rows, cols);
            for (Backend path : Backends.available()) {
                if (!path.support(d).supported()) continue;
                float[] u = new float[rows];
                float[] v = new float[cols];
                for (int i = 0; i < rows; i++) u[i] = (float) rnd.nextGaussian();
                float[] dst = new float[w.length];
                float[] sigma = new float[1];
                try (SpectralNormKernel k = path.create(d)) {
                    // 40 training steps of 25 iterations: a random 30x30's top two singular values are close, and
                    // the error shrinks like (s2/s1)^(2k)
                    for (int step = 0; step < 40; step++) k.forwardTraining(w, u, v, dst, sigma);
                }
                checked++;
                double rel = Math.abs(sigma[0] - expected) / expected;
                double dstNorm = largestSingularValue(CaseData.widen(dst), rows, cols);
                if (rel > TOL || Math.abs(dstNorm - 1) > TOL) {
                    failures.add(path.name() + " " + s + ": sigma " + sigma[0] + " vs SVD " + expected + " (rel "
                            + rel + "), ||dst||_2 " + dstNorm);
                }
            }
        }
        assertTrue(checked >= 8, "scalar and vector must both run, checked " + checked);
        assertEquals(List.of(), failures);
    }

    /**
     * The largest singular value of the rows x cols matrix a (row-major) by one-sided Jacobi (Hestenes): rotate column
     * pairs until all are orthogonal; the singular values are then the column norms.
     */
    static double largestSingularValue(double[] a, int rows, int cols) {
        double[] m = a.clone();
        for (int sweep = 0; sweep < 60; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < cols - 1; p++) {
                for (int q = p + 1; q < cols; q++) {
                    double alpha = 0, beta = 0, gamma = 0;
                    for (int i = 0; i < rows; i++) {
                        double x = m[i * cols + p], y = m[i * cols + q];
                        alpha += x * x;
                        beta += y * y;
                        gamma += x * y;
                    }
                    if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) t = 1;
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    for (int i = 0; i < rows; i++) {
                        double x = m[i * cols + p], y = m[i * cols + q];
                        m[i * cols + p] = c * x - s * y;
                        m[i * cols + q] = s * x + c * y;
                    }
                }
            }
            if (!rotated) break;
        }
        double max = 0;
        for (int j = 0; j < cols; j++) {
            double sq = 0;
            for (int i = 0; i < rows; i++) sq += m[i * cols + j] * m[i * cols + j];
            max = Math.max(max, Math.sqrt(sq));
        }
        return max;
    }
}
