package dev.riposte.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.base.HelperCall;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A question to the audit trail: which runs, optionally of one reaction, for one event, since a time;
 * the newest {@code limit} of them, returned oldest first.
 *
 * @param reaction a reaction name, or null for all
 * @param eventUuid an event uuid, or null for all
 * @param since the earliest time, or null for all
 */
public record AuditQuery(
        @Nullable String reaction,
        @Nullable String eventUuid,
        @Nullable Instant since,
        int limit) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<HelperCall>> CALLS = new TypeReference<>() {};

    public List<AuditRecord> run(Connection c) throws SQLException {
        StringBuilder sql =
                new StringBuilder("SELECT time_ms, event_uuid, event_name, event_kind, reaction, reaction_hash,"
                        + " outcome, detail, duration_us, calls FROM audit WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (reaction != null) {
            sql.append(" AND reaction = ?");
            params.add(reaction);
        }
        if (eventUuid != null) {
            sql.append(" AND event_uuid = ?");
            params.add(eventUuid);
        }
        if (since != null) {
            sql.append(" AND time_ms >= ?");
            params.add(since.toEpochMilli());
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit);
        List<AuditRecord> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.addFirst(new AuditRecord(
                            Instant.ofEpochMilli(r.getLong(1)),
                            r.getString(2),
                            r.getString(3),
                            r.getString(4),
                            r.getString(5),
                            r.getString(6),
                            r.getString(7),
                            r.getString(8),
                            r.getLong(9),
                            calls(r.getString(10))));
                }
            }
        }
        return out;
    }

    private static List<HelperCall> calls(String json) throws SQLException {
        try {
            return JSON.readValue(json, CALLS);
        } catch (JsonProcessingException e) {
            throw new SQLException("an audit record holds unreadable helper calls: " + e.getOriginalMessage(), e);
        }
    }
}
