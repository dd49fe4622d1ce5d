package dev.riposte.packaging;

import dev.riposte.testing.NspawnMachine;
import org.junit.jupiter.api.Assumptions;

/**
 * The package under Ubuntu 24.04's systemd 255. Its root comes from archive.ubuntu.com, which a build
 * machine may not reach (this project's machines reach Maven Central and Debian's mirrors for certain):
 * then the suite is skipped, saying so, rather than failed.
 */
class Ubuntu2404SystemdIT extends SystemdSuite {
    @Override
    NspawnMachine.Distro distro() {
        return NspawnMachine.Distro.UBUNTU_24_04;
    }

    @Override
    void unavailable(String why) {
        Assumptions.abort("an Ubuntu 24.04 root cannot be made here: " + why);
    }
}
