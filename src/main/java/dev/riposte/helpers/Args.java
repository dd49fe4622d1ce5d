package dev.riposte.helpers;

import dev.riposte.base.Text;
import org.graalvm.polyglot.Value;
import org.jspecify.annotations.Nullable;

/** Reading helper arguments with messages that say what was expected. */
final class Args {
    static final int MAX_SUMMARY_CHARS = 80;
    /** 2^53 - 1: larger integers lose precision as JavaScript numbers. */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private Args() {}

    static void count(Value[] args, int min, int max) throws ArgumentException {
        if (args.length < min || args.length > max) {
            String expected = min == max ? String.valueOf(min) : min + " to " + max;
            throw new ArgumentException(
                    "expected " + expected + " argument" + (min == 1 && max == 1 ? "" : "s") + ", got " + args.length);
        }
    }

    static String string(Value[] args, int index, String name) throws ArgumentException {
        Value v = args[index];
        if (!v.isString()) {
            throw new ArgumentException(
                    "argument " + (index + 1) + " (" + name + ") must be a string, got " + typeOf(v));
        }
        return v.asString();
    }

    /** A string, number or boolean, as the text JavaScript's String() gives it (how the store keeps values). */
    static String scalar(Value[] args, int index, String name) throws ArgumentException {
        Value v = args[index];
        if (v.isString()) {
            return v.asString();
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.toString();
        }
        throw new ArgumentException(
                "argument " + (index + 1) + " (" + name + ") must be a string, number or boolean, got " + typeOf(v));
    }

    /** A whole number within JavaScript's safe integer range. */
    static long integer(Value[] args, int index, String name) throws ArgumentException {
        Value v = args[index];
        if (v.isNumber()) {
            if (v.fitsInLong()) {
                long n = v.asLong();
                if (Math.abs(n) <= MAX_SAFE_INTEGER) {
                    return n;
                }
            }
        }
        throw new ArgumentException("argument " + (index + 1) + " (" + name + ") must be a whole number, got "
                + (v.isNumber() ? v.toString() : typeOf(v)));
    }

    /** A helper's return value as the audit trail shows it. */
    static String show(@Nullable Object result) {
        if (result instanceof String s) {
            return quote(s);
        }
        if (result == null || result instanceof Number || result instanceof Boolean) {
            return String.valueOf(result);
        }
        return result instanceof Value v ? typeOf(v) : "object";
    }

    /** Any value as text, the way JavaScript's String() would show it. */
    static String text(Value v) {
        return v.isString() ? v.asString() : v.toString();
    }

    static String typeOf(Value v) {
        if (v.isNull()) {
            return v.toString();
        }
        if (v.isString()) {
            return "string";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.canExecute()) {
            return "function";
        }
        if (v.hasArrayElements()) {
            return "array";
        }
        return "object";
    }

    /** The arguments quoted and escaped for the audit trail, each cut to a readable length. */
    static String summary(Value[] args) {
        StringBuilder out = new StringBuilder();
        for (Value v : args) {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(
                    v.isString()
                            ? quote(v.asString())
                            : typeOf(v).equals("number") || v.isBoolean() ? v.toString() : typeOf(v));
        }
        return out.toString();
    }

    static String quote(String s) {
        String cut = s.length() > MAX_SUMMARY_CHARS ? s.substring(0, MAX_SUMMARY_CHARS) + "..." : s;
        return "\"" + Text.escape(cut.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
    }
}
