package dev.riposte.helpers;

import java.util.Objects;

/**
 * One helper call made by a run, for the audit trail.
 *
 * @param args the arguments, summarised (quoted, control characters escaped, long values cut)
 * @param result the return value as the script saw it ({@code 0}, {@code -1}, a path, ...), summarised
 * @param errno the error sentence the call set, or ""
 */
public record HelperCall(String helper, String args, String result, String errno) {
    public HelperCall {
        Objects.requireNonNull(helper);
        Objects.requireNonNull(args);
        Objects.requireNonNull(result);
        Objects.requireNonNull(errno);
    }

    /** The entry that stands for {@code count} calls a run made beyond those recorded. */
    public static HelperCall omitted(long count) {
        return new HelperCall("...", count + " more calls not recorded", "", "");
    }

    @Override
    public String toString() {
        return helper.equals("...") ? "... " + args : helper + "(" + args + ")=" + result;
    }
}
