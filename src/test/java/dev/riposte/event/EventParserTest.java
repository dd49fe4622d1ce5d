package dev.riposte.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.testing.Samples;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventParserTest {
    private final EventParser parser = new EventParser();

    @Test
    void everySample_parses_withItsUuidNameAndKind() throws Exception {
        List<String> lines = Samples.lines();
        assertEquals(12, lines.size());
        for (String line : lines) {
            Event e = parser.parse(line, 7);
            assertEquals(36, e.uuid().length(), line);
            assertTrue(!e.name().isEmpty(), line);
            assertEquals(line, e.json());
            assertEquals(7, e.receivedNanos());
        }
    }

    @Test
    void fields_areLiftedFromMetadata() {
        Event e = Samples.event("05");
        assertEquals("2f2c89c0-1dbc-4279-ac4c-5fc3002b9a61", e.uuid());
        assertEquals("net_suspicious_tool_exec_critical", e.name());
        assertEquals("net_suspicious_tool_exec", e.kind());
        assertEquals(Optional.of(Importance.CRITICAL), e.importance());
    }

    @Test
    void minimalSample_hasNoImportance() {
        assertEquals(Optional.empty(), Samples.event("11").importance());
    }

    @Test
    void garnetEnvelope_isUnwrapped() throws Exception {
        String inner = Samples.line("01");
        Event e = parser.parse("{\"id\":\"x\",\"kind\":\"detections\",\"data\":" + inner + "}", 0);
        assertEquals("fc76e4b9-eefa-45a7-adb7-9e86509665e4", e.uuid());
        assertEquals("crypto_miner_execution", e.name());
        assertEquals(inner, e.json(), "the inner event, byte for byte");
    }

    @Test
    void notJson_isRejected() {
        BadEventException e = assertThrows(BadEventException.class, () -> parser.parse("{\"uuid\": nope}", 0));
        assertTrue(e.getMessage().startsWith("not JSON: "), e.getMessage());
    }

    @Test
    void nonObjects_areRejected() {
        assertEquals(
                "not a JSON object (found array)",
                assertThrows(BadEventException.class, () -> parser.parse("[1,2]", 0))
                        .getMessage());
        assertEquals(
                "not a JSON object (found number)",
                assertThrows(BadEventException.class, () -> parser.parse("42", 0))
                        .getMessage());
    }

    @Test
    void envelopeWithSpacing_isUnwrappedExactly() throws Exception {
        Event e = parser.parse(
                "{ \"id\" : \"x\", \"kind\":\"detections\", \"data\" :  {\"uuid\":\"u1\", \"metadata\":{\"name\":\"n\"}}  }",
                0);
        assertEquals("{\"uuid\":\"u1\", \"metadata\":{\"name\":\"n\"}}", e.json());
        assertEquals("n", e.name());
    }

    @Test
    void nonStringFields_areTreatedAsAbsent() throws Exception {
        Event e = parser.parse("{\"uuid\":7,\"metadata\":{\"name\":{\"x\":1},\"importance\":\"HIGH\"}}", 0);
        assertEquals("", e.uuid());
        assertEquals("", e.name());
        assertEquals(Optional.of(Importance.HIGH), e.importance());
    }

    @Test
    void duplicateKeysAtAnyDepth_areRejected() {
        assertThrows(BadEventException.class, () -> parser.parse("{\"uuid\":\"a\",\"x\":{\"k\":1,\"k\":2}}", 0));
    }

    @Test
    void duplicateKeys_andTrailingData_areRejected() {
        assertThrows(BadEventException.class, () -> parser.parse("{\"uuid\":\"a\",\"uuid\":\"b\"}", 0));
        assertThrows(BadEventException.class, () -> parser.parse("{\"uuid\":\"a\"} {\"uuid\":\"b\"}", 0));
    }

    @Test
    void eventWithoutUuidOrMetadata_isAccepted_withEmptyFields() throws Exception {
        Event e = parser.parse("{}", 0);
        assertEquals("", e.uuid());
        assertEquals("", e.name());
    }

    @Test
    void remotePeers_comeFromEveryPlaceTheFormatsUse() {
        assertEquals(List.of("203.0.113.80"), RemotePeers.addresses(Samples.event("01")));
        assertEquals(
                List.of("203.0.113.66", "2001:db8:bad::66", "192.0.2.53"), RemotePeers.addresses(Samples.event("06")));
        assertEquals(List.of("203.0.113.99"), RemotePeers.addresses(Samples.event("07")));
        assertEquals(List.of("192.0.2.53"), RemotePeers.addresses(Samples.event("08")));
        assertEquals(List.of(), RemotePeers.addresses(Samples.event("02")));
    }

    @Test
    void remotePeers_readTheLegacyAggregate() throws Exception {
        Event e = parser.parse("""
                {"uuid":"u","background":{"flows":{"protocols":[{"proto":"TCP","pairs":[
                  {"nodes":{"local":null,"remote":{"address":"198.51.100.7"}}}]}]}}}""".replace("\n", ""), 0);
        assertEquals(List.of("198.51.100.7"), RemotePeers.addresses(e));
    }
}
