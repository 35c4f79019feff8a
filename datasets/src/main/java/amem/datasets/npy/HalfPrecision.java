package amem.datasets.npy;

/**
 * The two 16-bit float formats amem meets, to and from float32: IEEE 754 half precision (NumPy {@code float16},
 * safetensors {@code F16}) and bfloat16 (safetensors {@code BF16}, the upper half of a float32). Java 17 has no
 * {@code Float.float16ToFloat}, so this is the one place the bit layouts are spelled out.
 */
public final class HalfPrecision {

    private HalfPrecision() {}

    /** IEEE half precision bits to float32 (exact: every half is a float32). */
    public static float float16ToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            float value = mantissa * 0x1p-24f; // subnormal: mantissa × 2^-24
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** float32 to IEEE half precision bits, rounding to nearest even (overflow gives infinity). */
    public static short floatToFloat16(float value) {
        int f = Float.floatToIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = ((f >>> 23) & 0xff) - 127 + 15;
        int mantissa = f & 0x7fffff;
        if (((f >>> 23) & 0xff) == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        if (exponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (exponent <= 0) {
            if (exponent < -10) {
                return (short) sign;
            }
            mantissa |= 0x800000;
            int shift = 14 - exponent;
            int half = mantissa >> shift;
            int rest = mantissa & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (exponent << 10) | (mantissa >> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }

    /** bfloat16 bits to float32 (exact: bfloat16 is the upper half of a float32). */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** float32 to bfloat16 bits, rounding to nearest even; NaN stays a (quiet) NaN. */
    public static short floatToBfloat16(float value) {
        int f = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((f >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((f >>> 16) & 1);
        return (short) ((f + rounding) >>> 16);
    }
}
