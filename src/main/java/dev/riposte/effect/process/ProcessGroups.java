package dev.riposte.effect.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Signals a whole process group through libc's {@code kill(2)} with a negative pid. Thread-safe (stateless). */
public final class ProcessGroups {
    private static final int SIGKILL = 9;
    private static final MethodHandle KILL;

    static {
        Linker linker = Linker.nativeLinker();
        KILL = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private ProcessGroups() {}

    /**
     * SIGKILLs every process of group {@code pgid}; true if there was one to signal. Only for groups
     * riposte itself created (a shell reaction started with setsid).
     */
    public static boolean kill(long pgid) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("not a process group riposte made: " + pgid);
        }
        try {
            return (int) KILL.invokeExact((int) -pgid, SIGKILL) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("kill could not be called", t);
        }
    }
}
