package dev.vigil.nfa.expr;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The numeric functions of the catalogue as plain static methods over normalised values. Each one yields
 * null when an argument is null or not a number, and when the result is not a finite number (the square
 * root of a negative, the logarithm of zero, an overflowing power, a Double too large for a Long).
 */
final class MathFunctions {
    /** Mean Earth radius (IUGG), the usual choice for the haversine formula. */
    static final double EARTH_RADIUS_KM = 6371.0088;

    /** Beyond this many decimal digits rounding a Double changes nothing (or yields 0). */
    private static final int MAX_ROUND_DIGITS = 400;

    private MathFunctions() {}

    static Object abs(Object x) {
        if (x instanceof Long l) {
            return l == Long.MIN_VALUE ? (Object) (-(double) l) : (Object) Math.abs(l);
        }
        return x instanceof Double d ? (Object) Math.abs(d) : null;
    }

    /** {@code ROUND(x)}: the nearest Long, halves away from zero (HALF_UP), so -2.5 rounds to -3. */
    static Object round(Object x) {
        if (x instanceof Long) {
            return x;
        }
        if (!(x instanceof Double d) || !(d >= -0x1p63 && d < 0x1p63)) {
            return null;
        }
        long whole = (long) d.doubleValue(); // toward zero, so the fraction below is exact
        double fraction = d - whole;
        if (fraction >= 0.5) {
            whole++;
        } else if (fraction <= -0.5) {
            whole--;
        }
        return whole;
    }

    /**
     * {@code ROUND(x, digits)}: a Double rounded HALF_UP to {@code digits} decimals (negative: tens,
     * hundreds...). Rounds the decimal text of x, so {@code ROUND(2.675, 2)} is 2.68 as a reader
     * expects, though the binary double 2.675 is a little below it.
     */
    static Object round(Object x, Object digits) {
        Long scale = Values.wholeNumber(digits);
        if (scale == null || !Values.isNumber(x)) {
            return null;
        }
        BigDecimal exact;
        if (x instanceof Long l) {
            exact = BigDecimal.valueOf(l);
        } else {
            double d = (Double) x;
            if (!Double.isFinite(d)) {
                return null;
            }
            exact = BigDecimal.valueOf(d);
        }
        int clamped = (int) Math.max(-MAX_ROUND_DIGITS, Math.min(MAX_ROUND_DIGITS, scale));
        return Values.finite(exact.setScale(clamped, RoundingMode.HALF_UP).doubleValue());
    }

    static Object floor(Object x) {
        if (x instanceof Long) {
            return x;
        }
        return x instanceof Double d ? toLong(Math.floor(d)) : null;
    }

    static Object ceil(Object x) {
        if (x instanceof Long) {
            return x;
        }
        return x instanceof Double d ? toLong(Math.ceil(d)) : null;
    }

    static Object sqrt(Object x) {
        return Values.isNumber(x) ? Values.finite(Math.sqrt(asDouble(x))) : null;
    }

    static Object power(Object x, Object y) {
        return Values.isNumber(x) && Values.isNumber(y) ? Values.finite(Math.pow(asDouble(x), asDouble(y))) : null;
    }

    static Object ln(Object x) {
        return Values.isNumber(x) ? Values.finite(Math.log(asDouble(x))) : null;
    }

    static Object log10(Object x) {
        return Values.isNumber(x) ? Values.finite(Math.log10(asDouble(x))) : null;
    }

    static Object exp(Object x) {
        return Values.isNumber(x) ? Values.finite(Math.exp(asDouble(x))) : null;
    }

    /**
     * {@code GEO_DISTANCE(lat1, lon1, lat2, lon2)}: the great-circle distance in kilometres between two
     * points given in degrees, by the haversine formula on a sphere of the mean Earth radius (within
     * about 0.5% of the ellipsoidal distance). Null when a latitude is outside [-90, 90].
     */
    static Object geoDistance(Object lat1, Object lon1, Object lat2, Object lon2) {
        if (!Values.isNumber(lat1) || !Values.isNumber(lon1) || !Values.isNumber(lat2) || !Values.isNumber(lon2)) {
            return null;
        }
        double phi1 = asDouble(lat1);
        double phi2 = asDouble(lat2);
        double lambda1 = asDouble(lon1);
        double lambda2 = asDouble(lon2);
        if (!(Math.abs(phi1) <= 90 && Math.abs(phi2) <= 90 && Double.isFinite(lambda1) && Double.isFinite(lambda2))) {
            return null;
        }
        double sinHalfLat = Math.sin(Math.toRadians(phi2 - phi1) / 2);
        double sinHalfLon = Math.sin(Math.toRadians(lambda2 - lambda1) / 2);
        double h = sinHalfLat * sinHalfLat
                + Math.cos(Math.toRadians(phi1)) * Math.cos(Math.toRadians(phi2)) * sinHalfLon * sinHalfLon;
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    private static double asDouble(Object number) {
        return ((Number) number).doubleValue();
    }

    private static Object toLong(double whole) {
        return whole >= -0x1p63 && whole < 0x1p63 ? (Object) (long) whole : null;
    }
}
