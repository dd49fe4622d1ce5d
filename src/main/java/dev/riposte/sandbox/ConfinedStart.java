package dev.riposte.sandbox;

import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.LibC;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Starts isolated shells from one platform thread whose ambient capabilities were emptied and whose
 * no_new_privs was set first ({@link LibC#prctl}): both are per thread, and a child starts with its parent
 * thread's, so the shell gets none of riposte's capabilities and can gain none (set-uid programs, file
 * capabilities), even where it could not drop them itself: under the unit, whose system-call filter refuses
 * {@code capset}, which setpriv needs for any change. The rest of riposte keeps its capabilities, such as
 * the nft it runs. The thread ends after a minute without a start, so nothing lingers on hosts without
 * shell reactions. Thread-safe.
 */
final class ConfinedStart {
    /** Whether the current thread has dropped what its children must not have. */
    private static final ThreadLocal<Boolean> CONFINED = ThreadLocal.withInitial(() -> false);

    private final LibC libc;
    private final ThreadPoolExecutor thread;

    ConfinedStart(LibC libc) {
        this.libc = libc;
        this.thread = new ThreadPoolExecutor(
                1,
                1,
                1,
                TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("riposte-shell-start").factory());
        thread.allowCoreThreadTimeOut(true);
    }

    /** Starts {@code pb} from the confined thread. */
    Process start(ProcessBuilder pb) throws IOException, InterruptedException {
        try {
            return thread.submit(() -> {
                        if (!CONFINED.get()) {
                            libc.prctl(LibC.PR_CAP_AMBIENT, LibC.PR_CAP_AMBIENT_CLEAR_ALL, 0);
                            libc.prctl(LibC.PR_SET_NO_NEW_PRIVS, 1, 0);
                            CONFINED.set(true);
                        }
                        return pb.start();
                    })
                    .get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrnoException errno) {
                throw new IOException("cannot drop riposte's capabilities for the shell: " + errno.getMessage(), errno);
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("starting the shell failed", e.getCause());
        }
    }
}
