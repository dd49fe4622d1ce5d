package dev.riposte.effect.emergency;

import dev.riposte.base.EffectResult;

/** The last resorts: stop the whole machine. Implementations are thread-safe. */
public interface Emergency {
    /** Powers the machine off at once (after flushing file systems). */
    EffectResult powerOff();

    /** Crashes the kernel on purpose (sysrq 'c'), leaving a crash dump where one is configured. */
    EffectResult panic();
}
