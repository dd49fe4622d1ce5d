package dev.riposte.base;

/** Making guest text safe for one log line. */
public final class Text {
    /** Messages longer than this many characters are cut with a marker. */
    public static final int MAX_MESSAGE_CHARS = 4096;

    private Text() {}

    /** What went wrong, as the exception says it; its class's name when it says nothing. */
    public static String message(Throwable e) {
        String m = e.getMessage();
        return m != null ? m : e.getClass().getSimpleName();
    }

    /** Escapes control characters (including newlines and the bidi override) so a message stays on one line. */
    public static String escape(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20
                    || c == 0x7f
                    || (c >= 0x80 && c < 0xa0)
                    || c == '\u2028'
                    || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e')
                    || (c >= '\u2066' && c <= '\u2069');
            if (control) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                switch (c) {
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> out.append(String.format("\\u%04x", (int) c));
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Escapes and cuts a message to {@link #MAX_MESSAGE_CHARS}, saying how much was cut. */
    public static String forLog(String s) {
        if (s.length() <= MAX_MESSAGE_CHARS) {
            return escape(s);
        }
        return escape(s.substring(0, MAX_MESSAGE_CHARS)) + "...[truncated " + (s.length() - MAX_MESSAGE_CHARS)
                + " characters]";
    }
}
