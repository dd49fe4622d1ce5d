package dev.riposte.effect.netpolicy;

import dev.riposte.effect.os.LibC;
import dev.riposte.effect.os.LibNftables;
import dev.riposte.testing.NetNamespace;

/** Every {@link EnforcerNftTest} again, reaching nftables as the daemon does by default: libnftables in process. */
class EnforcerLibraryNftTest extends EnforcerNftTest {
    @Override
    NftRunner runner(NetNamespace ns) {
        return new LibraryNftRunner(LibNftables.load(), LibC.system(), ns.name());
    }
}
