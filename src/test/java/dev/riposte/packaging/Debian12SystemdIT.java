package dev.riposte.packaging;

import dev.riposte.testing.NspawnMachine;

/** The package under Debian 12's systemd 252: the release it is built for; it must always run. */
class Debian12SystemdIT extends SystemdSuite {
    @Override
    NspawnMachine.Distro distro() {
        return NspawnMachine.Distro.DEBIAN_12;
    }

    @Override
    void unavailable(String why) {
        throw new AssertionError("a Debian 12 root cannot be made here: " + why);
    }
}
