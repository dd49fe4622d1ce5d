package dev.riposte.effect.netpolicy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the configured {@code nft} command as a child process, logging each batch and its result. */
public final class ProcessNftRunner implements NftRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessNftRunner.class);
    private static final long TIMEOUT_SECONDS = 10;
    private final List<String> command;

    public ProcessNftRunner(List<String> command) {
        this.command = List.copyOf(command);
    }

    @Override
    public Result batch(String script) throws NftUnavailableException {
        return run(List.of("-f", "-"), script);
    }

    @Override
    public Result listJson(String... args) throws NftUnavailableException {
        List<String> argv = new ArrayList<>(List.of("-j"));
        argv.addAll(List.of(args));
        return run(argv, "");
    }

    private Result run(List<String> args, String script) throws NftUnavailableException {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("No such file")
                    ? "command not found"
                    : e.getMessage();
            throw new NftUnavailableException(
                    "cannot run " + String.join(" ", command) + ": " + why + " (is the nftables package installed?)");
        }
        try {
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(script.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "", "nft did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), out.join(), err.join()).logged(LOG, "nft " + args, script);
        } catch (IOException e) {
            process.destroyForcibly();
            return new Result(-1, "", "talking to nft failed: " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted while waiting for nft");
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "";
                    }
                },
                Thread::startVirtualThread);
    }
}
