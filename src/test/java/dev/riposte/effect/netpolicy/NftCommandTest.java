package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which nft_command the library may stand in for, and which namespace a command applies its rules in. */
class NftCommandTest {
    @Test
    void plainNft_alone_orInANamedNamespace_isWhatTheLibraryReplaces() {
        assertTrue(new NftCommand(List.of("nft")).plainNft());
        assertTrue(new NftCommand(List.of("ip", "netns", "exec", "blue", "nft")).plainNft());
        assertTrue(new NftCommand(List.of("/usr/sbin/ip", "netns", "exec", "blue", "nft")).plainNft());
    }

    @Test
    void aPath_aWrapper_orArguments_areRunAsWritten() {
        assertFalse(new NftCommand(List.of("/usr/sbin/nft")).plainNft());
        assertFalse(new NftCommand(List.of("/usr/local/bin/nft-wrapper")).plainNft());
        assertFalse(new NftCommand(List.of("nft", "--debug=netlink")).plainNft());
        assertFalse(new NftCommand(List.of("ip", "netns", "exec", "blue", "/usr/sbin/nft")).plainNft());
        assertFalse(new NftCommand(List.of("setpriv", "--inh-caps=-net_admin", "nft")).plainNft());
        assertFalse(new NftCommand(List.of("sudo", "ip", "netns", "exec", "blue", "nft")).plainNft());
    }

    @Test
    void theNamespace_isTheOneIpNetnsExecNames() {
        assertEquals("blue", new NftCommand(List.of("ip", "netns", "exec", "blue", "nft")).namespace());
        assertEquals("blue", new NftCommand(List.of("ip", "netns", "exec", "blue", "setpriv", "nft")).namespace());
        assertNull(new NftCommand(List.of("nft")).namespace());
        assertNull(new NftCommand(List.of("skip", "netns", "exec", "blue", "nft")).namespace());
    }
}
