package dev.riposte.helpers;

import org.graalvm.polyglot.Value;

/** Reading helper arguments with messages that say what was expected. */
final class Args {
    static final int MAX_SUMMARY_CHARS = 80;

    private Args() {}

    static void count(Value[] args, int min, int max) throws ArgumentException {
        if (args.length < min || args.length > max) {
            String expected = min == max ? String.valueOf(min) : min + " to " + max;
            throw new ArgumentException("expected " + expected + " argument" + (min == 1 && max == 1 ? "" : "s")
                    + ", got " + args.length);
        }
    }

    static String string(Value[] args, int index, String name) throws ArgumentException {
        Value v = args[index];
        if (!v.isString()) {
            throw new ArgumentException("argument " + (index + 1) + " (" + name + ") must be a string, got "
                    + typeOf(v));
        }
        return v.asString();
    }

    /** Any value as text, the way JavaScript's String() would show it. */
    static String text(Value v) {
        return v.isString() ? v.asString() : v.toString();
    }

    static String typeOf(Value v) {
        if (v.isNull()) {
            return v.toString();
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
            out.append(v.isString() ? quote(v.asString()) : typeOf(v).equals("number") || v.isBoolean()
                    ? v.toString() : typeOf(v));
        }
        return out.toString();
    }

    static String quote(String s) {
        String cut = s.length() > MAX_SUMMARY_CHARS ? s.substring(0, MAX_SUMMARY_CHARS) + "..." : s;
        return "\"" + Text.escape(cut.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"";
    }
}
