package dev.normkit;

/**
 * The kernels written out directly in double, for the unit tests to compare both Java paths against. Inputs are the
 * f32 values the kernels see; nothing here is shared with the code under test.
 */
final class DoubleReference {
    private DoubleReference() {}

    record Normalized(double[] y, double[] mean, double[] rstd) {}

    record Gradients(double[] diffSrc, double[] diffScale, double[] diffShift) {}

    static Normalized layerNorm(float[] x, int rows, int cols, float[] gamma, float[] beta, double eps) {
        double[] y = new double[rows * cols];
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        for (int r = 0; r < rows; r++) {
            double mu = 0;
            for (int j = 0; j < cols; j++) mu += x[r * cols + j];
            mu /= cols;
            double var = 0;
            for (int j = 0; j < cols; j++) var += (x[r * cols + j] - mu) * (x[r * cols + j] - mu);
            var /= cols;
            double rs = 1 / Math.sqrt(var + eps);
            for (int j = 0; j < cols; j++) {
                double v = (x[r * cols + j] - mu) * rs;
                if (gamma != null) v *= gamma[j];
                if (beta != null) v += beta[j];
                y[r * cols + j] = v;
            }
            mean[r] = mu;
            rstd[r] = rs;
        }
        return new Normalized(y, mean, rstd);
    }

    /** Layer norm backward from the given (f32) statistics. */
    static Gradients layerNormBackward(float[] x, float[] dy, int rows, int cols, float[] gamma, float[] mean,
            float[] rstd) {
        double[] dx = new double[rows * cols];
        double[] dGamma = new double[cols];
        double[] dBeta = new double[cols];
        for (int r = 0; r < rows; r++) {
            double[] xhat = new double[cols];
            double[] g = new double[cols];
            double meanG = 0;
            double meanGXhat = 0;
            for (int j = 0; j < cols; j++) {
                xhat[j] = ((double) x[r * cols + j] - mean[r]) * rstd[r];
                g[j] = dy[r * cols + j] * (gamma == null ? 1.0 : gamma[j]);
                meanG += g[j] / cols;
                meanGXhat += g[j] * xhat[j] / cols;
                dGamma[j] += dy[r * cols + j] * xhat[j];
                dBeta[j] += dy[r * cols + j];
            }
            for (int j = 0; j < cols; j++) {
                dx[r * cols + j] = rstd[r] * (g[j] - meanG - xhat[j] * meanGXhat);
            }
        }
        return new Gradients(dx, dGamma, dBeta);
    }

    static Normalized rmsNorm(float[] x, int rows, int cols, float[] gamma, double eps) {
        double[] y = new double[rows * cols];
        double[] rstd = new double[rows];
        for (int r = 0; r < rows; r++) {
            double meanSquare = 0;
            for (int j = 0; j < cols; j++) meanSquare += (double) x[r * cols + j] * x[r * cols + j];
            meanSquare /= cols;
            double rs = 1 / Math.sqrt(meanSquare + eps);
            for (int j = 0; j < cols; j++) {
                y[r * cols + j] = x[r * cols + j] * rs * (gamma == null ? 1.0 : gamma[j]);
            }
            rstd[r] = rs;
        }
        return new Normalized(y, null, rstd);
    }

    static Gradients rmsNormBackward(float[] x, float[] dy, int rows, int cols, float[] gamma, float[] rstd) {
        double[] dx = new double[rows * cols];
        double[] dGamma = new double[cols];
        for (int r = 0; r < rows; r++) {
            double meanGXhat = 0;
            for (int j = 0; j < cols; j++) {
                double xhat = x[r * cols + j] * (double) rstd[r];
                double g = dy[r * cols + j] * (gamma == null ? 1.0 : gamma[j]);
                meanGXhat += g * xhat / cols;
                dGamma[j] += dy[r * cols + j] * xhat;
            }
            for (int j = 0; j < cols; j++) {
                double xhat = x[r * cols + j] * (double) rstd[r];
                double g = dy[r * cols + j] * (gamma == null ? 1.0 : gamma[j]);
                dx[r * cols + j] = rstd[r] * (g - xhat * meanGXhat);
            }
        }
        return new Gradients(dx, dGamma, null);
    }

    /** Softmax or log-softmax along the middle axis of {@code outer x length x inner}. */
    static double[] softmax(float[] x, int outer, int length, int inner, boolean log) {
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int first = o * length * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                boolean nan = false;
                for (int k = 0; k < length; k++) {
                    double v = x[first + k * inner];
                    nan |= Double.isNaN(v);
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int k = 0; k < length; k++) sum += Math.exp(x[first + k * inner] - max);
                for (int k = 0; k < length; k++) {
                    double shifted = x[first + k * inner] - max;
                    y[first + k * inner] = nan ? Double.NaN : log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
                }
            }
        }
        return y;
    }

    static double[] softmaxBackward(float[] y, float[] dy, int outer, int length, int inner, boolean log) {
        double[] dx = new double[y.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int first = o * length * inner + i;
                double sum = 0;
                for (int k = 0; k < length; k++) {
                    int at = first + k * inner;
                    sum += log ? dy[at] : (double) dy[at] * y[at];
                }
                for (int k = 0; k < length; k++) {
                    int at = first + k * inner;
                    dx[at] = log ? dy[at] - Math.exp(y[at]) * sum : y[at] * (dy[at] - sum);
                }
            }
        }
        return dx;
    }
}
