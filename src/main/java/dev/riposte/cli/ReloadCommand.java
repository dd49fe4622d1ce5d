package dev.riposte.cli;

import dev.riposte.daemon.Control;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code riposte reload}: the running daemon loads every reaction file again (as SIGHUP does). */
@Command(
        name = "reload",
        description = "Make the running daemon load its reactions again; a broken file keeps its last good version.")
public final class ReloadCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        return ControlRequest.send(config, ControlRequest.command("reload"), answer -> {
            Control.Reload reload = Control.read(answer, Control.Reload.class);
            config.out()
                    .println("reloaded: " + reload.loaded() + " reactions running, "
                            + reload.rejected().size() + " files rejected");
            for (String r : reload.rejected()) {
                config.out().println("error: " + r);
            }
            return reload.rejected().isEmpty() ? 0 : 1;
        });
    }
}
