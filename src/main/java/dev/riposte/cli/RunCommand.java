package dev.riposte.cli;

import dev.riposte.Daemon;
import dev.riposte.config.RiposteConfig;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code riposte run}: the daemon, until SIGTERM or SIGINT. */
@Command(name = "run", description = "Run the daemon.")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        RiposteConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        Daemon daemon;
        try {
            daemon = Daemon.start(loaded, List.of());
        } catch (IOException e) {
            System.err.println("riposte: cannot start: " + e.getMessage());
            return 1;
        }
        // SIGHUP (systemctl reload) reloads the reactions instead of ending the JVM.
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> daemon.reload());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "riposte-shutdown"));
        stopped.await();
        return 0;
    }
}
