package dev.riposte.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each format's samples map to: name, kind, importance, MITRE, uuid, processes and peers. */
class EventFormatsTest {
    private final EventParser parser = new EventParser();

    private static Event falco(String prefix) {
        return Samples.event(Samples.FALCO, prefix);
    }

    private static Event tetragon(String prefix) {
        return Samples.event(Samples.TETRAGON, prefix);
    }

    @Test
    void everySample_isRecognised_compactAndPrettyAlike() throws Exception {
        for (var dir : List.of(Samples.DIR, Samples.FALCO, Samples.TETRAGON)) {
            Format expected = dir.equals(Samples.FALCO)
                    ? Format.FALCO
                    : dir.equals(Samples.TETRAGON) ? Format.TETRAGON : Format.JIBRIL;
            List<Path> files = Samples.files(dir);
            List<String> lines = Samples.lines(dir);
            assertEquals(files.size(), lines.size(), dir.toString());
            for (int i = 0; i < files.size(); i++) {
                Event compact = parser.parse(lines.get(i), 0);
                String prettyText = Files.readString(files.get(i));
                Event pretty = parser.parse(prettyText, 0);
                assertEquals(expected, compact.format(), files.get(i).toString());
                assertEquals(compact.uuid(), pretty.uuid(), files.get(i).toString());
                assertEquals(compact.name(), pretty.name());
                assertEquals(compact.kind(), pretty.kind());
                assertEquals(lines.get(i), compact.json(), "data is the event as the detector wrote it");
                assertEquals(prettyText, pretty.json());
                assertEquals(36, compact.uuid().length());
                assertFalse(compact.name().isEmpty());
            }
        }
    }

    @Test
    void falco_ruleIsTheName_sourceTheKind_priorityTheImportance_tagsTheMitreMapping() {
        Event e = falco("01");
        assertEquals(Format.FALCO, e.format());
        assertEquals("Terminal shell in container", e.name());
        assertEquals("syscall", e.kind());
        assertEquals(Optional.of(Importance.LOW), e.importance(), "Notice");
        assertEquals("execution", e.tactic());
        assertEquals("T1059", e.technique());

        assertEquals(Optional.of(Importance.MEDIUM), falco("02").importance(), "Warning");
        assertEquals("credential_access", falco("02").tactic());
        assertEquals("T1555", falco("02").technique());
        Event drop = falco("04");
        assertEquals(Optional.of(Importance.CRITICAL), drop.importance(), "Critical");
        assertEquals("persistence", drop.tactic(), "mitre_persistence wins over TA0003");
        assertEquals("", drop.technique());
        assertEquals("T1552.001", falco("06").technique());
        assertEquals(
                "Redirect STDOUT/STDIN to Network Connection in Container",
                falco("03").name());
    }

    @Test
    void falco_priorityTable() {
        assertEquals(Optional.of(Importance.CRITICAL), EventParser.falcoImportance("Emergency"));
        assertEquals(Optional.of(Importance.CRITICAL), EventParser.falcoImportance("Alert"));
        assertEquals(Optional.of(Importance.CRITICAL), EventParser.falcoImportance("CRITICAL"));
        assertEquals(Optional.of(Importance.HIGH), EventParser.falcoImportance("Error"));
        assertEquals(Optional.of(Importance.MEDIUM), EventParser.falcoImportance("warning"));
        assertEquals(Optional.of(Importance.LOW), EventParser.falcoImportance("Notice"));
        assertEquals(Optional.of(Importance.LOW), EventParser.falcoImportance("Informational"));
        assertEquals(Optional.of(Importance.LOW), EventParser.falcoImportance("info"));
        assertEquals(Optional.of(Importance.LOW), EventParser.falcoImportance("Debug"));
        assertEquals(Optional.empty(), EventParser.falcoImportance("Severe"));
    }

    @Test
    void falco_uuidIsDerivedFromHostTimeRuleAndSource_soAReSentAlertIsTheSame() throws Exception {
        String line = Samples.line(Samples.FALCO, "01");
        String uuid = parser.parse(line, 0).uuid();
        assertEquals(
                EventParser.derivedUuid(
                        "falco",
                        "k8s-worker-02",
                        "2026-11-17T09:02:41.318604227Z",
                        "Terminal shell in container",
                        "syscall"),
                uuid);
        assertEquals(uuid, parser.parse(line, 5).uuid());
        String otherRule = line.replace("\"rule\":\"Terminal shell in container\"", "\"rule\":\"Other rule\"");
        assertFalse(uuid.equals(parser.parse(otherRule, 0).uuid()));
        String sidekick =
                line.replace("{\"hostname\"", "{\"uuid\":\"5f1e8b52-3c0a-4a52-9f7e-1f3c2b1a0d9e\",\"hostname\"");
        assertEquals(
                "5f1e8b52-3c0a-4a52-9f7e-1f3c2b1a0d9e",
                parser.parse(sidekick, 0).uuid(),
                "falcosidekick's uuid");
    }

    @Test
    void falco_processesComeFromTheExtraFields_withExactNanosecondStarts() {
        Event e = falco("03");
        assertEquals(
                new EventProcesses.Target.Found(418802, Instant.ofEpochSecond(1794908472L, 860915377)),
                EventProcesses.current(e));
        assertEquals(
                new EventProcesses.Target.Found(415870, Instant.ofEpochSecond(1794643897L, 352208114)),
                EventProcesses.parent(e));
        assertEquals(Instant.ofEpochSecond(1794643897L, 352208114), EventProcesses.startOf(e, 415870));
        assertEquals(null, EventProcesses.startOf(e, 1));
        assertEquals(List.of("203.0.113.45"), RemotePeers.addresses(e), "fd.rip, not fd.sip or fd.lip");
        assertEquals(List.of(), RemotePeers.addresses(falco("01")));
    }

    @Test
    void falco_stockAlert_namesNoProcess() {
        Event stock = falco("06");
        EventProcesses.Target t = EventProcesses.current(stock);
        assertTrue(t instanceof EventProcesses.Target.None none && none.reason().contains("proc.pid"), t.toString());
        assertTrue(EventProcesses.parent(stock) instanceof EventProcesses.Target.None);
    }

    @Test
    void tetragon_policyOrEventTypeIsTheName_eventTypeTheKind() {
        Event exec = tetragon("01");
        assertEquals(Format.TETRAGON, exec.format());
        assertEquals("process_exec", exec.name());
        assertEquals("process_exec", exec.kind());
        assertEquals(Optional.empty(), exec.importance());
        Event connect = tetragon("04");
        assertEquals("monitor-network-activity-outside-cluster-cidr-range", connect.name());
        assertEquals("process_kprobe", connect.kind());
        assertEquals("lsm-file-open", tetragon("05").name());
        assertEquals("process_lsm", tetragon("05").kind());
        assertEquals("process_exit", tetragon("03").name());
    }

    @Test
    void tetragon_uuidIsDerivedPerEvent_notPerProcess() {
        assertEquals(
                EventParser.derivedUuid(
                        "tetragon",
                        "k8s-worker-02",
                        "2026-11-17T09:41:12.863903291Z",
                        "process_exec",
                        "azhzLXdvcmtlci0wMjo2MTk4NjA0NDU3MDAzNDY6NDE4ODAy",
                        "",
                        ""),
                tetragon("01").uuid());
        assertFalse(tetragon("01").uuid().equals(tetragon("04").uuid()), "one process, two events");
    }

    @Test
    void tetragon_processStartsWhenTheFirstImageOfItsPidDid_andAParentOfTheSamePidIsRefused() {
        Event connect = tetragon("04");
        assertEquals(
                new EventProcesses.Target.Found(418802, Instant.parse("2026-11-17T09:41:12.861337204Z")),
                EventProcesses.current(connect),
                "nc was exec'd in place of sh: the pid started with sh");
        EventProcesses.Target parent = EventProcesses.parent(connect);
        assertTrue(
                parent instanceof EventProcesses.Target.None none
                        && none.reason().contains("pid 418802 itself"),
                parent.toString());
        Event exit = tetragon("03");
        assertEquals(
                new EventProcesses.Target.Found(418802, Instant.parse("2026-11-17T09:41:12.861337204Z")),
                EventProcesses.current(exit),
                "the chain through ancestors");
        Event xmrig = tetragon("02");
        assertEquals(
                new EventProcesses.Target.Found(902117, Instant.parse("2026-11-19T03:15:27.772911846Z")),
                EventProcesses.current(xmrig));
        assertEquals(
                new EventProcesses.Target.Found(902098, Instant.parse("2026-11-19T03:15:27.699410226Z")),
                EventProcesses.parent(xmrig));
        assertEquals(Instant.parse("2026-11-14T08:11:37.348203771Z"), EventProcesses.startOf(tetragon("01"), 415870));
    }

    @Test
    void tetragon_enforcedEvent_isAlreadyKilled() {
        EventProcesses.Target t = EventProcesses.current(tetragon("06"));
        assertTrue(
                t instanceof EventProcesses.Target.AlreadyKilled k
                        && k.pid() == 417190
                        && k.by().contains("KPROBE_ACTION_SIGKILL"),
                t.toString());
    }

    @Test
    void tetragon_peersAreTheSocketsRemoteEnd() {
        assertEquals(List.of("203.0.113.45"), RemotePeers.addresses(tetragon("04")), "daddr, not saddr");
        assertEquals(List.of(), RemotePeers.addresses(tetragon("05")));
        assertEquals(List.of(), RemotePeers.names(tetragon("04")));
    }

    @Test
    void jibrilPrinterEnvelope_mapsHeadAndUniqueId_andKeepsTheWholeObject() throws Exception {
        String text = """
                {"data":{"head":{"name":"crypto_miner_execution","version":"1.0","format":"execution",
                "importance":"critical"},"body":{"process":{"pid":4242,"ppid":4200,"start":"2026-11-17T09:41:12Z"},
                "parent":{"pid":4200,"start":"2026-11-17T09:40:00Z"},"flow":{"remote":{"address":"203.0.113.80"}}},
                "timestamp":"2026-11-17T09:41:13Z","unique_id":"0b0c7c7e-52a4-4a3f-9a63-29a1c0f9a6de"},
                "type":"detection","verdict":{"false_positive":false}}""";
        Event e = parser.parse(text, 0);
        assertEquals(Format.JIBRIL, e.format());
        assertEquals("crypto_miner_execution", e.name());
        assertEquals(Optional.of(Importance.CRITICAL), e.importance());
        assertEquals("0b0c7c7e-52a4-4a3f-9a63-29a1c0f9a6de", e.uuid());
        assertEquals(text, e.json());
        assertEquals(
                new EventProcesses.Target.Found(4242, Instant.parse("2026-11-17T09:41:12Z")),
                EventProcesses.current(e));
        assertEquals(
                new EventProcesses.Target.Found(4200, Instant.parse("2026-11-17T09:40:00Z")), EventProcesses.parent(e));
        assertEquals(List.of("203.0.113.80"), RemotePeers.addresses(e));
    }

    @Test
    void explicitFormat_refusesTheOthers_asOtherFormat() {
        String falco = Samples.line(Samples.FALCO, "01");
        BadEventException e = assertThrows(BadEventException.class, () -> parser.parse(falco, 0, FormatChoice.JIBRIL));
        assertTrue(e.otherFormat());
        assertEquals("a falco event, but this source reads format jibril", e.getMessage());
        assertThrows(BadEventException.class, () -> parser.parse(Samples.line("01"), 0, FormatChoice.TETRAGON));
        assertThrows(
                BadEventException.class,
                () -> parser.parse(Samples.line(Samples.TETRAGON, "01"), 0, FormatChoice.FALCO));
        BadEventException malformed =
                assertThrows(BadEventException.class, () -> parser.parse("{", 0, FormatChoice.FALCO));
        assertFalse(malformed.otherFormat());
    }

    @Test
    void recognition_needsEveryMarker() throws Exception {
        assertEquals(
                Format.JIBRIL,
                parser.parse("{\"rule\":\"r\",\"priority\":\"Notice\"}", 0).format(),
                "no output");
        assertEquals(
                Format.JIBRIL,
                parser.parse("{\"node_name\":\"n\",\"a\":{},\"b\":{}}", 0).format(),
                "two bodies");
        assertEquals(
                Format.TETRAGON,
                parser.parse(
                                "{\"rate_limit_info\":{\"number_of_dropped_process_events\":\"3\"},"
                                        + "\"node_name\":\"n\",\"time\":\"2026-11-17T09:41:12Z\"}",
                                0)
                        .format(),
                "an unknown type is still Tetragon's");
    }

    @Test
    void detectionTime_isTheEventsOwnTime_inEveryFormat() throws Exception {
        assertEquals(
                Optional.of(Instant.parse("2026-07-23T08:14:22.531904117Z")),
                Samples.event("01").detected(),
                "timestamp");
        assertEquals(
                Optional.of(Instant.parse("2026-11-17T09:02:41.318604227Z")),
                falco("01").detected(),
                "time");
        assertEquals(
                Optional.of(Instant.parse("2026-11-17T09:41:12.863903291Z")),
                tetragon("01").detected(),
                "time");
        String garnet =
                "{\"id\":\"x\",\"kind\":\"k\",\"data\":{\"uuid\":\"u\",\"timestamp\":\"2026-11-17T09:41:12+02:00\"}}";
        assertEquals(
                Optional.of(Instant.parse("2026-11-17T07:41:12Z")),
                parser.parse(garnet, 0).detected(),
                "inside the Garnet envelope, with an offset");
        for (String none : List.of("\"0001-01-01T00:00:00Z\"", "\"yesterday\"", "17", "\"\"")) {
            assertEquals(
                    Optional.empty(),
                    parser.parse("{\"uuid\":\"u\",\"timestamp\":" + none + "}", 0)
                            .detected(),
                    none);
        }
        assertEquals(Optional.empty(), parser.parse("{\"uuid\":\"u\"}", 0).detected());
    }
}
