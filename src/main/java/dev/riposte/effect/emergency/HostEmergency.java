package dev.riposte.effect.emergency;

import dev.riposte.effect.EffectResult;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
            Linker linker = Linker.nativeLinker();
            MethodHandle sync = linker.downcallHandle(linker.defaultLookup().find("sync").orElseThrow(),
                    FunctionDescriptor.ofVoid());
            MethodHandle reboot = linker.downcallHandle(linker.defaultLookup().find("reboot").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            sync.invokeExact();
            int r = (int) reboot.invokeExact(RB_POWER_OFF);
            return EffectResult.failed("reboot(RB_POWER_OFF) returned " + r + " (riposte needs CAP_SYS_BOOT)");
        } catch (Throwable t) {
            return EffectResult.failed("cannot power off: " + t);
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
