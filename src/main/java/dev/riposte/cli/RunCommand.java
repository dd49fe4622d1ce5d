package dev.riposte.cli;

import dev.riposte.config.RiposteConfig;
import dev.riposte.daemon.Daemon;
import dev.riposte.service.Hangup;
import dev.riposte.service.LogTarget;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code riposte run}: the daemon, until SIGTERM or SIGINT. */
@Command(name = "run", description = "Run the daemon.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(
            names = "--stdin",
            description = "also read events from standard input (JSON values, one per line, "
                    + "pretty-printed or concatenated); its end does not stop the daemon")
    boolean stdin;

    @Override
    public Integer call() throws InterruptedException {
        RiposteConfig loaded = config.loadForDaemonOrReport();
        if (loaded == null) {
            return 2;
        }
        LogTarget.apply(loaded.log().target(), System.getenv());
        // SIGHUP (systemctl reload) reloads the reactions instead of ending the JVM. The handler is in place
        // before the start; a SIGHUP that arrives during the start is remembered and served right after it.
        AtomicReference<Daemon> running = new AtomicReference<>();
        AtomicBoolean hupDuringStart = new AtomicBoolean();
        Hangup.handle(() -> {
            Daemon d = running.get();
            if (d != null) {
                d.reload();
            } else {
                hupDuringStart.set(true);
            }
        });
        // The hook is in place before the start (which ends with READY=1): a SIGTERM right after READY used to
        // find no hook and stop the JVM with the daemon still open. A SIGTERM during the start waits for it.
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                started.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            Daemon d = running.get();
                            if (d != null) {
                                d.close();
                            }
                            stopped.countDown();
                        },
                        "riposte-shutdown"));
        Daemon daemon;
        try {
            daemon = Daemon.start(
                    loaded,
                    config.file,
                    List.of(),
                    stdin ? new java.io.FileInputStream(java.io.FileDescriptor.in) : null);
            running.set(daemon);
        } catch (IOException e) {
            config.err().println("riposte: cannot start: " + e.getMessage());
            return 1;
        } finally {
            started.countDown();
        }
        if (hupDuringStart.get()) {
            daemon.reload();
        }
        stopped.await();
        return 0;
    }
}
