package dev.normkit.onednn;

/**
 * The kernels' formulas in plain double loops, written from the kernel Javadoc and the catalogue, independent of
 * oneDNN. Tensors are dense row-major; normalizations see {@code rows x cols}, softmax {@code outer x length x inner}.
 */
final class Reference {

    private Reference() {}

    /** Layer norm forward: {@code dst}, and per row {@code mean} and {@code rstd}. */
    record LayerNormForward(double[] dst, double[] mean, double[] rstd) {}

    static LayerNormForward layerNorm(float[] x, float[] gamma, float[] beta, int rows, int cols, double eps) {
        double[] dst = new double[rows * cols], mean = new double[rows], rstd = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += x[r * cols + c];
            mean[r] = sum / cols;
            double squares = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[r * cols + c] - mean[r];
                squares += d * d;
            }
            rstd[r] = 1 / Math.sqrt(squares / cols + eps);
            for (int c = 0; c < cols; c++) {
                double y = (x[r * cols + c] - mean[r]) * rstd[r];
                dst[r * cols + c] = y * (gamma == null ? 1 : gamma[c]) + (beta == null ? 0 : beta[c]);
            }
        }
        return new LayerNormForward(dst, mean, rstd);
    }

    /** Normalization backward: {@code diffSrc}, and {@code diffScale}, {@code diffShift} summed over rows. */
    record NormBackward(double[] diffSrc, double[] diffScale, double[] diffShift) {}

    /**
     * Layer norm backward with {@code g = dy * gamma}, {@code xhat = (x - mean) * rstd}:
     * {@code dx = rstd * (g - mean(g) - xhat * mean(g * xhat))}. With {@code mean == null} it is RMS norm's:
     * {@code xhat = x * rstd}, {@code dx = rstd * (g - xhat * mean(g * xhat))}.
     */
    static NormBackward normBackward(float[] x, float[] dy, float[] gamma, double[] mean, double[] rstd, int rows,
            int cols) {
        double[] dx = new double[rows * cols], dGamma = new double[cols], dBeta = new double[cols];
        for (int r = 0; r < rows; r++) {
            double sumG = 0, sumGXhat = 0;
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                double xhat = (x[i] - (mean == null ? 0 : mean[r])) * rstd[r];
                double g = dy[i] * (gamma == null ? 1 : gamma[c]);
                sumG += g;
                sumGXhat += g * xhat;
                dGamma[c] += dy[i] * xhat;
                dBeta[c] += dy[i];
            }
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                double xhat = (x[i] - (mean == null ? 0 : mean[r])) * rstd[r];
                double g = dy[i] * (gamma == null ? 1 : gamma[c]);
                double centered = mean == null ? g : g - sumG / cols;
                dx[i] = rstd[r] * (centered - xhat * sumGXhat / cols);
            }
        }
        return new NormBackward(dx, dGamma, dBeta);
    }

    /** RMS norm forward: {@code dst}, and per row {@code rstd} (stored in {@code mean == null}). */
    static LayerNormForward rmsNorm(float[] x, float[] gamma, int rows, int cols, double eps) {
        double[] dst = new double[rows * cols], rstd = new double[rows];
        for (int r = 0; r < rows; r++) {
            double squares = 0;
            for (int c = 0; c < cols; c++) squares += (double) x[r * cols + c] * x[r * cols + c];
            rstd[r] = 1 / Math.sqrt(squares / cols + eps);
            for (int c = 0; c < cols; c++) {
                dst[r * cols + c] = x[r * cols + c] * rstd[r] * (gamma == null ? 1 : gamma[c]);
            }
        }
        return new LayerNormForward(dst, null, rstd);
    }

    /** Softmax or log-softmax along the middle axis of {@code outer x length x inner}. */
    static double[] softmax(float[] x, int outer, int length, int inner, boolean log) {
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int first = o * length * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < length; k++) max = Math.max(max, x[first + k * inner]);
                double sum = 0;
                for (int k = 0; k < length; k++) sum += Math.exp(x[first + k * inner] - max);
                for (int k = 0; k < length; k++) {
                    double shifted = x[first + k * inner] - max;
                    y[first + k * inner] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
                }
            }
        }
        return y;
    }

    /** Softmax backward from the output: {@code y * (dy - sum(dy * y))}; log-softmax {@code dy - exp(y) sum(dy)}. */
    static double[] softmaxBackward(float[] y, float[] dy, int outer, int length, int inner, boolean log) {
        double[] dx = new double[y.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int first = o * length * inner + in;
                double sum = 0;
                for (int k = 0; k < length; k++) {
                    int i = first + k * inner;
                    sum += log ? dy[i] : (double) dy[i] * y[i];
                }
                for (int k = 0; k < length; k++) {
                    int i = first + k * inner;
                    dx[i] = log ? dy[i] - Math.exp(y[i]) * sum : y[i] * (dy[i] - sum);
                }
            }
        }
        return dx;
    }

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    /** The activation's value at {@code s}. */
    static double activation(dev.normkit.Activation kind, double alpha, double s) {
        return switch (kind) {
            case RELU, LEAKY_RELU -> s > 0 ? s : alpha * s;
            case GELU_ERF -> 0.5 * s * (1 + erf(s / Math.sqrt(2)));
            case GELU_TANH -> 0.5 * s * (1 + Math.tanh(SQRT_2_OVER_PI * (s + 0.044715 * s * s * s)));
            case SILU -> s / (1 + Math.exp(-s));
            case SWISH -> s / (1 + Math.exp(-alpha * s));
            default -> throw new IllegalArgumentException(kind + ": not in this test reference");
        };
    }

    /** The activation's derivative at {@code s} (ReLU's at 0 is alpha: PyTorch's 0 for plain ReLU). */
    static double derivative(dev.normkit.Activation kind, double alpha, double s) {
        return switch (kind) {
            case RELU, LEAKY_RELU -> s > 0 ? 1 : alpha;
            case GELU_ERF -> 0.5 * (1 + erf(s / Math.sqrt(2))) + s * Math.exp(-s * s / 2) / Math.sqrt(2 * Math.PI);
            case GELU_TANH -> {
                double t = Math.tanh(SQRT_2_OVER_PI * (s + 0.044715 * s * s * s));
                yield 0.5 * (1 + t) + 0.5 * s * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * s * s);
            }
            case SILU, SWISH -> {
                double beta = kind == dev.normkit.Activation.SILU ? 1 : alpha;
                double sigmoid = 1 / (1 + Math.exp(-beta * s));
                yield sigmoid + beta * s * sigmoid * (1 - sigmoid);
            }
            default -> throw new IllegalArgumentException(kind + ": not in this test reference");
        };
    }

    /** erf by its Maclaurin series: accurate to ~1e-13 for the |x| <= 3 the tests use. */
    static double erf(double x) {
        if (Math.abs(x) > 3) {
            throw new IllegalArgumentException("x: the series is only used for |x| <= 3, got " + x);
        }
        double term = x, sum = x;
        for (int n = 1; n < 200 && Math.abs(term) > 1e-17; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
