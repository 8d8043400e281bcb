package dev.normkit.scalar;

/**
 * The error function and its complement in double precision; Java's {@code Math} has neither.
 *
 * <p>W. J. Cody's rational Chebyshev approximations: "Rational Chebyshev approximations for the error function",
 * Math. Comp. 23 (1969) 631-637, with the coefficients as published in netlib's specfun package (routine CALERF,
 * 1990). Three intervals of |x|: up to 0.46875 {@code erf = x P(x^2)/Q(x^2)}; up to 4
 * {@code erfc = exp(-x^2) P(x)/Q(x)}; beyond, {@code erfc = exp(-x^2)/x (1/sqrt(pi) - P(1/x^2)/(x^2 Q(1/x^2)))}. The
 * approximations are good to about 1e-18 relative, so the result is limited by double rounding: a few ulp, and
 * {@link #erfc} keeps that relative accuracy deep into the tail (where {@code 1 - erf} would cancel).
 */
final class ErrorFunction {
    private ErrorFunction() {}

    /** Below this |x|, erf's own series-like rational form is used and erfc = 1 - erf loses nothing. */
    private static final double SMALL = 0.46875;
    /** Where the middle interval ends and the asymptotic one begins. */
    private static final double MIDDLE = 4.0;
    /** erfc(x) underflows double beyond this. */
    private static final double ERFC_UNDERFLOW = 26.543;
    private static final double ONE_OVER_SQRT_PI = 0.56418958354775628695;

    // |x| <= 0.46875: erf(x) = x * (A0 + A1 y + A2 y^2 + A3 y^3 + A4 y^4) / (B0 + B1 y + B2 y^2 + B3 y^3 + y^4), y = x^2
    private static final double[] A = {
        3209.37758913846947, 377.485237685302021, 113.864154151050156, 3.1611237438705656, 0.185777706184603153};
    private static final double[] B = {
        2844.23683343917062, 1282.61652607737228, 244.024637934444173, 23.6012909523441209};

    // 0.46875 < |x| <= 4: erfc(x) = exp(-x^2) * (sum C_k x^k, k = 0..8) / (sum D_k x^k, k = 0..8, D_8 = 1)
    private static final double[] C = {
        1230.33935479799725, 2051.07837782607147, 1712.04761263407058, 881.95222124176909, 298.635138197400131,
        66.1191906371416295, 8.88314979438837594, 0.564188496988670089, 2.15311535474403846e-8};
    private static final double[] D = {
        1230.33935480374942, 3439.36767414372164, 4362.61909014324716, 3290.79923573345963, 1621.38957456669019,
        537.181101862009858, 117.693950891312499, 15.7449261107098347};

    // |x| > 4: erfc(x) = exp(-x^2)/x * (1/sqrt(pi) - z * (sum P_k z^k, k = 0..5) / (sum Q_k z^k, k = 0..5, Q_5 = 1)),
    // z = 1/x^2
    private static final double[] P = {
        6.58749161529837803e-4, 0.0160837851487422766, 0.125781726111229246, 0.360344899949804439,
        0.305326634961232344, 0.0163153871373020978};
    private static final double[] Q = {
        0.00233520497626869185, 0.0605183413124413191, 0.527905102951428412, 1.87295284992346047,
        2.56852019228982242};

    /** erf(x); odd, erf(+-inf) = +-1, NaN gives NaN. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax <= SMALL) {
            return smallArgumentErf(x);
        }
        double r = 1.0 - erfcOfPositive(ax);
        return x < 0 ? -r : r; // NaN fails both tests above and falls through to here as NaN
    }

    /** erfc(x) = 1 - erf(x), relative accuracy kept for large positive x; erfc(-inf) = 2, erfc(inf) = 0. */
    static double erfc(double x) {
        if (Math.abs(x) <= SMALL) {
            return 1.0 - smallArgumentErf(x);
        }
        return x < 0 ? 2.0 - erfcOfPositive(-x) : erfcOfPositive(x);
    }

    private static double smallArgumentErf(double x) {
        double y = x * x;
        return x * polynomial(A, y) / monicPolynomial(B, y);
    }

    /** erfc(x) for x > 0.46875 (or NaN). */
    private static double erfcOfPositive(double x) {
        if (x >= ERFC_UNDERFLOW) {
            return 0.0;
        }
        double ratio;
        if (x <= MIDDLE) {
            ratio = polynomial(C, x) / monicPolynomial(D, x);
        } else {
            double z = 1.0 / (x * x);
            ratio = (ONE_OVER_SQRT_PI - z * polynomial(P, z) / monicPolynomial(Q, z)) / x;
        }
        return expMinusSquare(x) * ratio;
    }

    /**
     * exp(-x^2) without the rounding error of x*x: with x = h + l, h = x rounded to a multiple of 1/16, h*h is exact
     * and exp(-x^2) = exp(-h^2) exp(-(x - h)(x + h)) (Cody's splitting).
     */
    private static double expMinusSquare(double x) {
        double h = Math.floor(x * 16.0) / 16.0;
        double del = (x - h) * (x + h);
        return Math.exp(-h * h) * Math.exp(-del);
    }

    /** c[0] + c[1] t + ... + c[n-1] t^(n-1), by Horner's rule. */
    private static double polynomial(double[] c, double t) {
        double p = c[c.length - 1];
        for (int k = c.length - 2; k >= 0; k--) {
            p = p * t + c[k];
        }
        return p;
    }

    /** c[0] + c[1] t + ... + c[n-1] t^(n-1) + t^n. */
    private static double monicPolynomial(double[] c, double t) {
        double p = 1.0;
        for (int k = c.length - 1; k >= 0; k--) {
            p = p * t + c[k];
        }
        return p;
    }
}
