package dev.riposte.effect.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * libnftables, the library {@code nft} itself is a thin front end to, through the FFM API: the same
 * command language and the same messages, without a process per batch. Each {@link #run} makes its own
 * context (opening its netlink socket in the calling thread's network namespace) and frees it, so nothing
 * outlives the call. Not thread-safe: the library's contexts share state; callers serialise.
 *
 * <p>The library ends the whole process ({@code exit}) when it cannot open that socket (nftables'
 * {@code nft_mnl_socket_open}: out of descriptors, a filter that refuses {@code AF_NETLINK}), so each call
 * opens and closes one first, on the same thread: such a failure is then an answer, not the daemon's end.
 */
@SuppressWarnings("restricted") // the native layer: links libnftables, as FfmLibC links the C library
public final class LibNftables {
    /** The soname of the library's ABI riposte uses (nftables 0.9 to 1.1 at least). */
    public static final String LIBRARY = "libnftables.so.1";

    private static final int NFT_CTX_DEFAULT = 0;
    private static final int NFT_CTX_OUTPUT_JSON = 1 << 4;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    /**
     * What one call returned.
     *
     * @param code 0 when every command succeeded
     * @param output what the commands printed (a listing)
     * @param error the library's messages, as {@code nft} prints them on stderr
     */
    public record Reply(int code, String output, String error) {}

    private final MethodHandle ctxNew;
    private final MethodHandle ctxFree;
    private final MethodHandle bufferOutput;
    private final MethodHandle bufferError;
    private final MethodHandle setFlags;
    private final MethodHandle runFromBuffer;
    private final MethodHandle outputBuffer;
    private final MethodHandle errorBuffer;

    private final LibC libc;

    /**
     * Why calls are refused without calling the library, or null: without CAP_NET_ADMIN libnftables prints
     * its refusal on the process's stderr, past its buffer. riposte's threads never change their
     * capabilities, so the loading thread's answer is every caller's, read once.
     */
    private final @Nullable String notPermitted;

    private LibNftables(SymbolLookup lib, LibC libc) {
        this.libc = libc;
        this.notPermitted = notPermitted();
        ctxNew = handle(lib, "nft_ctx_new", FunctionDescriptor.of(PTR, INT));
        ctxFree = handle(lib, "nft_ctx_free", FunctionDescriptor.ofVoid(PTR));
        bufferOutput = handle(lib, "nft_ctx_buffer_output", FunctionDescriptor.of(INT, PTR));
        bufferError = handle(lib, "nft_ctx_buffer_error", FunctionDescriptor.of(INT, PTR));
        setFlags = handle(lib, "nft_ctx_output_set_flags", FunctionDescriptor.ofVoid(PTR, INT));
        runFromBuffer = handle(lib, "nft_run_cmd_from_buffer", FunctionDescriptor.of(INT, PTR, PTR));
        outputBuffer = handle(lib, "nft_ctx_get_output_buffer", FunctionDescriptor.of(PTR, PTR));
        errorBuffer = handle(lib, "nft_ctx_get_error_buffer", FunctionDescriptor.of(PTR, PTR));
    }

    /**
     * Loads the library once for the life of the process.
     *
     * @throws IllegalStateException when it is not installed or lacks a function, saying which
     */
    public static LibNftables load() {
        return load(LibC.system());
    }

    /** The same, checking each call's netlink socket through {@code libc}. */
    static LibNftables load(LibC libc) {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot load " + LIBRARY + " (the nftables package's library): " + e.getMessage());
        }
        return new LibNftables(lib, libc);
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor descriptor) {
        MemorySegment symbol =
                lib.find(name).orElseThrow(() -> new IllegalStateException(LIBRARY + " has no function " + name));
        return Linker.nativeLinker().downcallHandle(symbol, descriptor);
    }

    /**
     * Runs {@code commands} (nft's language, one command per line, applied as one atomic batch as
     * {@code nft -f} does); {@code json} asks for a listing in JSON ({@code nft -j}).
     */
    public Reply run(String commands, boolean json) {
        try {
            libc.close(libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_NETFILTER));
        } catch (ErrnoException e) {
            return new Reply(
                    -1,
                    "",
                    "cannot open a netlink socket for nftables (" + e.getMessage()
                            + "); libnftables was not called, as it would end the process");
        }
        if (notPermitted != null) {
            return new Reply(-1, "", notPermitted);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = (MemorySegment) ctxNew.invokeExact(NFT_CTX_DEFAULT);
            if (ctx.equals(MemorySegment.NULL)) {
                return new Reply(-1, "", "nft_ctx_new failed (out of memory?)");
            }
            try {
                if ((int) bufferOutput.invokeExact(ctx) != 0 || (int) bufferError.invokeExact(ctx) != 0) {
                    return new Reply(-1, "", "libnftables could not buffer its output (out of memory?)");
                }
                if (json) {
                    setFlags.invokeExact(ctx, NFT_CTX_OUTPUT_JSON);
                }
                int code = (int) runFromBuffer.invokeExact(ctx, arena.allocateFrom(commands, StandardCharsets.UTF_8));
                String output = text((MemorySegment) outputBuffer.invokeExact(ctx));
                String error = text((MemorySegment) errorBuffer.invokeExact(ctx));
                return new Reply(code, output, error);
            } finally {
                ctxFree.invokeExact(ctx);
            }
        } catch (Throwable t) {
            throw new IllegalStateException(LIBRARY + " could not be called", t);
        }
    }

    private static @Nullable String notPermitted() {
        String why;
        try {
            why = Self.read().has(Self.CAP_NET_ADMIN) ? null : "this thread lacks CAP_NET_ADMIN";
        } catch (IOException e) {
            why = "cannot read this thread's capabilities: " + e.getMessage();
        }
        return why == null ? null : "Operation not permitted: " + why + "; libnftables was not called";
    }

    private static String text(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL)
                ? ""
                : cString.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }
}
