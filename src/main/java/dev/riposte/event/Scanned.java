package dev.riposte.event;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link TopLevel}'s one pass over a value kept, for {@link EventParser} to recognise the format and
 * map it: each member null (or false, or empty) when the value does not have it.
 */
final class Scanned {
    private Scanned() {}

    /** What the top level of one value holds, for every format. */
    static final class Top {
        final Fields jibril = new Fields();

        @Nullable
        Fields data;

        int dataStart;
        int dataEnd;
        boolean hasKind;

        @Nullable
        String rule;

        @Nullable
        String priority;

        @Nullable
        String source;

        @Nullable
        String hostname;

        @Nullable
        String time;

        boolean hasOutput;

        @Nullable
        String nodeName;
        /** Object members that are not Tetragon's own keys: exactly one is a Tetragon event type. */
        int objectMembers;

        @Nullable
        String bodyKey;

        @Nullable
        Body body;

        List<String> tags = List.of();

        Format format() {
            if (rule != null && priority != null && hasOutput) {
                return Format.FALCO;
            }
            if (nodeName != null
                    && objectMembers == 1
                    && bodyKey != null
                    && jibril.uuid == null
                    && !jibril.hasMetadata) {
                return Format.TETRAGON;
            }
            return Format.JIBRIL;
        }
    }

    /** The Jibril fields of one object level (the event, or an envelope's {@code data}). */
    static final class Fields {
        @Nullable
        String uuid;

        @Nullable
        String name;

        @Nullable
        String kind;

        @Nullable
        String importance;

        @Nullable
        String tactic;

        @Nullable
        String technique;

        boolean hasMetadata;
        boolean hasHead;

        @Nullable
        String headName;

        @Nullable
        String headImportance;

        @Nullable
        String uniqueId;

        @Nullable
        String timestamp;
    }

    /** The few members of a Tetragon event body that riposte maps. */
    static final class Body {
        @Nullable
        String policyName;

        @Nullable
        String functionName;

        @Nullable
        String execId;

        List<String> tags = List.of();
    }
}
