package dev.riposte.sandbox;

/**
 * What one run may allocate in a single step, derived from its budget ({@code reactions.max_alloc_bytes}).
 * The watchdog samples a run's allocations every few milliseconds, which is too late for one huge
 * allocation; these limits refuse it before it happens, with a {@code RangeError} in the script:
 *
 * <ul>
 *   <li>strings: at most budget/4 characters (a character takes up to 2 bytes);</li>
 *   <li>typed arrays and array buffers: at most budget/16 elements (an element takes up to 8 bytes);</li>
 *   <li>{@code Array.prototype.fill} on an array longer than budget/16 (on a sparse array it allocates
 *       the whole length at once);</li>
 *   <li>{@code apply} and spread calls: at most {@link #APPLY_ARGUMENTS} arguments;</li>
 *   <li>{@code JSON.parse} of a text with more than budget/2 KiB members: each parsed member costs
 *       1-2 KiB, and the parse cannot be interrupted once it runs.</li>
 * </ul>
 */
record AllocationLimits(int stringLength, int typedArrayLength, int arrayFillLength, int jsonMembers) {
    static final int APPLY_ARGUMENTS = 65_535;
    /** The smallest JSON member ({@code "":0,}) has 5 characters: a shorter text cannot hold too many. */
    static final int MIN_MEMBER_CHARS = 5;

    static AllocationLimits forBudget(long maxAllocBytes) {
        return new AllocationLimits(
                clamp(maxAllocBytes / 4),
                clamp(maxAllocBytes / 16),
                clamp(maxAllocBytes / 16),
                clamp(maxAllocBytes / 2048));
    }

    private static int clamp(long n) {
        return (int) Math.min(Integer.MAX_VALUE - 64, Math.max(1024, n));
    }

    /**
     * Whether {@code text} has more JSON members (a {@code :} outside a string) than the limit. Texts too
     * short to hold that many are not scanned.
     */
    boolean tooManyMembers(String text) {
        return text.length() / MIN_MEMBER_CHARS > jsonMembers && countMembers(text) > jsonMembers;
    }

    /** A guest error message, with the limit named when the engine refused an allocation over one of these limits. */
    String explain(String message) {
        if (message.startsWith("RangeError: Invalid string length")) {
            return message + " (a string may have at most " + stringLength + " characters in a run: "
                    + "reactions.max_alloc_bytes / 4)";
        }
        if (message.startsWith("RangeError: Invalid typed array length")
                || message.startsWith("RangeError: Array buffer allocation failed")) {
            return message + " (a typed array or array buffer may have at most " + typedArrayLength
                    + " elements in a run: " + "reactions.max_alloc_bytes / 16)";
        }
        return message;
    }

    /** The {@code :} characters of {@code text} outside JSON strings: the members a parse would create. */
    static int countMembers(String text) {
        int members = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == ':') {
                members++;
            }
        }
        return members;
    }
}
