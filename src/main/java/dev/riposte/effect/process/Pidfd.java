package dev.riposte.effect.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Process file descriptors through the FFM API: {@code pidfd_open(2)} pins one process, so that a
 * check of it and the signal that follows reach the same process even if its pid is reused in
 * between. Calls go through libc's {@code syscall(2)}; the numbers are the same on every Linux
 * architecture (they were added after the tables were unified). Thread-safe (stateless).
 */
final class Pidfd {
    static final int ESRCH = 3;
    static final int EPERM = 1;
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL_2;
    private static final MethodHandle SYSCALL_4;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall").orElseThrow();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SYSCALL_2 = linker.downcallHandle(syscall, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), errno);
        SYSCALL_4 = linker.downcallHandle(syscall, FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG), Linker.Option.firstVariadicArg(1), errno);
        CLOSE = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private Pidfd() {}

    /** A failed call and its errno. */
    static final class ErrnoException extends Exception {
        final int errno;

        ErrnoException(String call, int errno) {
            super(call + " failed with errno " + errno, null, false, false);
            this.errno = errno;
        }
    }

    /** Opens a pidfd for {@code pid}. */
    static int open(long pid) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long fd = (long) SYSCALL_2.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L);
            if (fd < 0) {
                throw new ErrnoException("pidfd_open", (int) ERRNO.get(state, 0L));
            }
            return (int) fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("pidfd_open could not be called", t);
        }
    }

    /** Sends {@code signal} to the process {@code pidfd} pins. */
    static void sendSignal(int pidfd, int signal) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long r = (long) SYSCALL_4.invokeExact(state, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal,
                    MemorySegment.NULL, 0L);
            if (r < 0) {
                throw new ErrnoException("pidfd_send_signal", (int) ERRNO.get(state, 0L));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("pidfd_send_signal could not be called", t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close could not be called", t);
        }
    }
}
