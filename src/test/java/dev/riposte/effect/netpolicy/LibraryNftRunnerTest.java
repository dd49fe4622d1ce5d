package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.effect.os.LibC;
import dev.riposte.effect.os.LibNftables;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.NetNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * libnftables in this process against a network namespace the test creates (root and the nftables
 * package needed): the same effects and the same messages as the {@code nft} process, and the calling
 * thread back in its own namespace after every call.
 */
@NeedsRoot("network namespaces (ip netns add) and setns into them")
class LibraryNftRunnerTest {
    private static final Path OWN_NAMESPACE = Path.of("/proc/thread-self/ns/net");
    NetNamespace ns;
    LibraryNftRunner library;
    ProcessNftRunner process;

    @BeforeEach
    void namespace() throws Exception {
        ns = new NetNamespace();
        library = new LibraryNftRunner(LibNftables.load(), LibC.system(), ns.name());
        process = new ProcessNftRunner(ns.exec("nft"));
    }

    @AfterEach
    void remove() throws Exception {
        ns.close();
    }

    @Test
    void aBatch_changesTheNamespacesRuleset_andTheListingReadsIt() throws Exception {
        NftRunner.Result setup =
                library.batch(NftKernel.SETUP + "add element inet riposte block4 { 10.1.2.3 timeout 60s }\n");
        assertEquals(new NftRunner.Result(0, "", ""), setup);
        assertTrue(ns.execOk("nft", "list", "set", "inet", "riposte", "block4").contains("10.1.2.3 timeout 1m"));
        NftRunner.Result listed = library.listJson("list", "tables");
        assertEquals(0, listed.exitCode());
        assertTrue(listed.stdout().startsWith("{\"nftables\": ["), listed.stdout());
        assertTrue(
                listed.stdout().contains("{\"table\": {\"family\": \"inet\", \"name\": \"riposte\""), listed.stdout());
        assertEquals(
                process.listJson("list", "set", "inet", "riposte", "block4")
                        .stdout()
                        .strip(),
                library.listJson("list", "set", "inet", "riposte", "block4")
                        .stdout()
                        .strip());
    }

    @Test
    void theCallingThread_isBackInItsOwnNamespace_afterEveryCall() throws Exception {
        String before = Files.readSymbolicLink(OWN_NAMESPACE).toString();
        library.batch(NftKernel.SETUP);
        library.batch("this is not nft\n");
        assertEquals(before, Files.readSymbolicLink(OWN_NAMESPACE).toString());
        assertFalse(
                new ProcessNftRunner(java.util.List.of("nft"))
                        .listJson("list", "tables")
                        .stdout()
                        .contains("\"name\": \"riposte\", \"handle\""),
                "riposte's table was made in the root namespace");
    }

    @Test
    void aRefusedBatch_answersWithNftsOwnMessage_andChangesNothing() throws Exception {
        library.batch(NftKernel.SETUP);
        String script =
                "add element inet riposte block4 { 10.0.0.1 }\nadd element inet riposte nosuchset { 10.0.0.2 }\n";
        NftRunner.Result fromLibrary = library.batch(script);
        NftRunner.Result fromProcess = process.batch(script);
        assertEquals(1, fromLibrary.exitCode());
        // The process names the line (/dev/stdin:2:26-34: Error: ...); the library's buffer has no name.
        assertEquals("Error: No such file or directory", fromLibrary.firstError());
        assertEquals("/dev/stdin:2:26-34: Error: No such file or directory", fromProcess.firstError());
        assertFalse(
                ns.execOk("nft", "list", "set", "inet", "riposte", "block4").contains("10.0.0.1"),
                "a batch is atomic: its valid first line was not applied either");
    }

    @Test
    void aVirtualThreadsCall_runsOnAPlatformThread_andLeavesItsCarrierHome() throws Exception {
        String home = Files.readSymbolicLink(OWN_NAMESPACE).toString();
        AtomicReference<NftRunner.Result> result = new AtomicReference<>();
        AtomicReference<String> after = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> {
                    try {
                        result.set(library.batch(NftKernel.SETUP));
                        after.set(Files.readSymbolicLink(OWN_NAMESPACE).toString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .join();
        assertEquals(0, result.get().exitCode());
        assertEquals(home, after.get());
        assertTrue(ns.execOk("nft", "list", "tables").contains("table inet riposte"));
    }

    @Test
    void aMissingNamespace_isUnavailable_sayingWhich() {
        LibraryNftRunner nowhere = new LibraryNftRunner(LibNftables.load(), LibC.system(), "riposte-no-such-ns");
        NftUnavailableException e = assertThrows(NftUnavailableException.class, () -> nowhere.batch(NftKernel.SETUP));
        assertEquals(
                "cannot open network namespace riposte-no-such-ns (/run/netns/riposte-no-such-ns): "
                        + "openat2 failed: ENOENT (no such file or directory)",
                e.getMessage());
    }
}
