package dev.riposte.effect.emergency;

import dev.riposte.base.EffectResult;
import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.LibC;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real last resorts: {@code sync(2)} then {@code reboot(2)} with RB_POWER_OFF, and sysrq 'c'.
 * No test runs this class (it would stop the machine); tests use a recording double in its place.
 */
public final class HostEmergency implements Emergency {
    private static final Logger LOG = LoggerFactory.getLogger(HostEmergency.class);
    private static final int RB_POWER_OFF = 0x4321fedc;

    @Override
    public EffectResult powerOff() {
        LOG.error("emergency: PowerOff() called by a reaction; powering the machine off now");
        try {
            LibC.system().syncAndReboot(RB_POWER_OFF);
            return EffectResult.failed("reboot(RB_POWER_OFF) returned without powering off");
        } catch (ErrnoException e) {
            return EffectResult.failed("cannot power off: " + e.getMessage() + " (riposte needs CAP_SYS_BOOT)");
        }
    }

    @Override
    public EffectResult panic() {
        LOG.error("emergency: Panic() called by a reaction; crashing the kernel now");
        try {
            Files.writeString(Path.of("/proc/sysrq-trigger"), "c");
            return EffectResult.failed("the kernel did not crash after sysrq 'c'");
        } catch (IOException e) {
            return EffectResult.failed("cannot write /proc/sysrq-trigger: " + e.getMessage());
        }
    }
}
