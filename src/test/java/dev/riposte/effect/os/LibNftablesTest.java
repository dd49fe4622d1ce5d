package dev.riposte.effect.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * What the binding does before it calls libnftables (which needs the nftables package; the calls
 * themselves are tested as root, against a namespace, in LibraryNftRunnerTest).
 */
class LibNftablesTest {
    /** A C library whose socket(2) fails as it does when the process is out of descriptors. */
    private static LibC outOfDescriptors() {
        return (LibC) Proxy.newProxyInstance(
                LibC.class.getClassLoader(), new Class<?>[] {LibC.class}, (proxy, method, args) -> {
                    if (method.getName().equals("socket")) {
                        throw new ErrnoException("socket", ErrnoException.EMFILE);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void withoutANetlinkSocket_theLibraryIsNotCalled_andTheReplySaysWhy() {
        LibNftables nftables = LibNftables.load(outOfDescriptors());
        LibNftables.Reply reply = nftables.run("list tables", true);
        assertEquals(
                new LibNftables.Reply(
                        -1,
                        "",
                        "cannot open a netlink socket for nftables (socket failed: EMFILE (too "
                                + "many open files)); libnftables was not called, as it would end the process"),
                reply);
    }
}
