package dev.riposte.effect.netpolicy;

import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.LibC;
import dev.riposte.effect.os.LibNftables;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nftables through libnftables inside this process: a batch is one library call and one netlink exchange
 * instead of a process start. With a namespace ({@code nft_command: [ip, netns, exec, NAME, nft]}) each
 * call moves the calling thread into {@code /run/netns/NAME} and back to the thread's own namespace
 * before it returns, so the library's socket is opened there and nothing else on the thread changes.
 * Calls are serialised (the library is not thread-safe).
 */
public final class LibraryNftRunner implements NftRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LibraryNftRunner.class);
    private static final int OPEN_NS = LibC.O_RDONLY | LibC.O_CLOEXEC;

    private final LibNftables nftables;
    private final LibC libc;
    private final @Nullable String namespace;

    /**
     * @param namespace the name under {@code /run/netns} to apply the rules in, or null for this process's
     */
    public LibraryNftRunner(LibNftables nftables, LibC libc, @Nullable String namespace) {
        this.nftables = nftables;
        this.libc = libc;
        this.namespace = namespace;
    }

    @Override
    public Result batch(String script) throws NftUnavailableException {
        return call(script, false);
    }

    @Override
    public Result listJson(String... args) throws NftUnavailableException {
        return call(String.join(" ", args), true);
    }

    private synchronized Result call(String commands, boolean json) throws NftUnavailableException {
        LibNftables.Reply reply = namespace == null ? nftables.run(commands, json) : inNamespace(commands, json);
        return new Result(reply.code() == 0 ? 0 : 1, reply.output(), reply.error())
                .logged(LOG, "libnftables", commands);
    }

    /**
     * The call inside the namespace. A virtual thread would take its carrier there, so it hands the call
     * to a platform thread of its own.
     */
    private LibNftables.Reply inNamespace(String commands, boolean json) throws NftUnavailableException {
        if (!Thread.currentThread().isVirtual()) {
            return enterRunLeave(commands, json);
        }
        FutureTask<LibNftables.Reply> task =
                new FutureTask<>((Callable<LibNftables.Reply>) () -> enterRunLeave(commands, json));
        Thread.ofPlatform().name("riposte-nft-netns").start(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NftUnavailableException("interrupted while libnftables ran in network namespace " + namespace);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NftUnavailableException n) {
                throw n;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private LibNftables.Reply enterRunLeave(String commands, boolean json) throws NftUnavailableException {
        int home;
        int target;
        try {
            home = libc.openat2(LibC.AT_FDCWD, "/proc/thread-self/ns/net", OPEN_NS, 0, 0);
        } catch (ErrnoException e) {
            throw new NftUnavailableException("cannot open this thread's network namespace: " + e.getMessage());
        }
        try {
            target = libc.openat2(LibC.AT_FDCWD, "/run/netns/" + namespace, OPEN_NS, 0, 0);
        } catch (ErrnoException e) {
            libc.close(home);
            throw new NftUnavailableException("cannot open network namespace " + namespace + " (/run/netns/" + namespace
                    + "): " + e.getMessage());
        }
        try {
            libc.setns(target, LibC.CLONE_NEWNET);
        } catch (ErrnoException e) {
            libc.close(home);
            libc.close(target);
            throw new NftUnavailableException("cannot enter network namespace " + namespace + ": " + e.getMessage());
        }
        LibNftables.Reply reply = null;
        RuntimeException failed = null;
        try {
            reply = nftables.run(commands, json);
        } catch (RuntimeException e) {
            failed = e;
        }
        try {
            libc.setns(home, LibC.CLONE_NEWNET);
        } catch (ErrnoException e) {
            // The thread would go on in the wrong namespace: nothing it does after this can be trusted.
            IllegalStateException stuck = new IllegalStateException(
                    "cannot return from network namespace " + namespace + ": " + e.getMessage());
            if (failed != null) {
                stuck.addSuppressed(failed);
            }
            throw stuck;
        } finally {
            libc.close(home);
            libc.close(target);
        }
        if (failed != null) {
            throw failed;
        }
        return Objects.requireNonNull(reply, "libnftables' reply");
    }
}
