package dev.riposte.base;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One helper call made by a run, for the audit trail.
 *
 * @param args the arguments, summarised (quoted, control characters escaped, long values cut)
 * @param result the return value as the script saw it ({@code 0}, {@code -1}, a path, ...), summarised
 * @param errno the error sentence the call set, or ""
 * @param targets what the call acted on when its arguments did not name it, each with what became of it
 *     ({@code 203.0.113.7: blocked}); empty otherwise, and then left out of the JSON
 */
public record HelperCall(
        String helper,
        String args,
        String result,
        String errno,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> targets) {
    public HelperCall {
        Objects.requireNonNull(helper);
        Objects.requireNonNull(args);
        Objects.requireNonNull(result);
        Objects.requireNonNull(errno);
        targets = targets == null ? List.of() : List.copyOf(targets); // null: an audit record stored before targets
    }

    public HelperCall(String helper, String args, String result, String errno) {
        this(helper, args, result, errno, List.of());
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
