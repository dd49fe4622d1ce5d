package dev.riposte.helpers;

import dev.riposte.effect.EffectResult;
import dev.riposte.effect.files.FileEffects;
import dev.riposte.effect.netpolicy.IpLiteral;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.event.Event;
import dev.riposte.event.RemotePeers;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The helper functions a reaction sees, installed as globals of a fresh context. Each one checks its
 * arguments, calls an effect bridge, records the call in the run's {@link RunScope}, and returns the
 * Jibril return value. No Java exception ever reaches the script. Thread-safe (immutable); the
 * installed functions belong to one context.
 */
public final class Helpers {
    /** Every global this class installs. */
    public static final List<String> GLOBALS =
            List.of("Info", "Warn", "Error", "Errno", "CreateTempDir", "WriteFile", "NetBlockIp", "console");
    private static final Logger REACTION_LOG = LoggerFactory.getLogger("riposte.reaction");
    private static final Logger LOG = LoggerFactory.getLogger(Helpers.class);

    /**
     * Jibril's {@code Error(msg)} helper shares its name with ECMAScript's Error constructor. This
     * wrapper keeps both: called, it logs; with {@code new} (or {@code extends}), it constructs the
     * real Error, whose prototype it shares, so {@code instanceof Error} holds for every error.
     */
    private static final Source ERROR_BOTH_WAYS_SOURCE = Source.create("js", """
            (function (original, log) {
              function Error(...args) {
                return new.target ? Reflect.construct(original, args, new.target) : log(...args);
              }
              Object.setPrototypeOf(Error, Object.getPrototypeOf(original));
              Object.defineProperty(Error, 'prototype', { value: original.prototype });
              Object.defineProperty(original.prototype, 'constructor',
                  { value: Error, writable: true, configurable: true, enumerable: false });
              if (original.captureStackTrace) Error.captureStackTrace = original.captureStackTrace;
              return Error;
            })""");

    private final FileEffects files;
    private final NetPolicy net;

    public Helpers(FileEffects files, NetPolicy net) {
        this.files = files;
        this.net = net;
    }

    /** Puts the helper functions into {@code bindings}, all reporting to {@code scope}. */
    public void install(Value bindings, RunScope scope) {
        Value errorBothWays = bindings.getContext().eval(ERROR_BOTH_WAYS_SOURCE);
        bindings.putMember("Info", code(scope, "Info", args -> log(scope, Level.INFO, args)));
        bindings.putMember("Warn", code(scope, "Warn", args -> log(scope, Level.WARN, args)));
        bindings.putMember("Error", errorBothWays.execute(bindings.getMember("Error"),
                code(scope, "Error", args -> log(scope, Level.ERROR, args))));
        bindings.putMember("Errno", (ProxyExecutable) args -> scope.errno());
        bindings.putMember("CreateTempDir", value(scope, "CreateTempDir", args -> {
            Args.count(args, 1, 1);
            return files.createTempDir(Args.string(args, 0, "pattern"));
        }));
        bindings.putMember("WriteFile", code(scope, "WriteFile", args -> {
            Args.count(args, 2, 2);
            String path = Args.string(args, 0, "path");
            return files.writeFile(path, Args.string(args, 1, "data").getBytes(StandardCharsets.UTF_8));
        }));
        bindings.putMember("NetBlockIp", code(scope, "NetBlockIp", args -> {
            Args.count(args, 0, 1);
            if (args.length == 1) {
                return block(Args.string(args, 0, "ip"));
            }
            return blockAll(scope.event());
        }));
        ProxyExecutable console = args -> {
            if (REACTION_LOG.isDebugEnabled()) {
                List<String> parts = new ArrayList<>();
                for (Value v : args) {
                    parts.add(Args.text(v));
                }
                REACTION_LOG.atDebug().addKeyValue("REACTION", scope.reaction())
                        .log("console: {}", Text.forLog(String.join(" ", parts)));
            }
            return null;
        };
        bindings.putMember("console", ProxyObject.fromMap(Map.of(
                "log", console, "info", console, "debug", console, "warn", console, "error", console)));
    }

    private EffectResult block(String text) {
        InetAddress address;
        try {
            address = IpLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            return EffectResult.failed(e.getMessage());
        }
        return net.block(address);
    }

    /** Blocks every remote address of the event: 0 if any was new, 1 if none was, -1 if any failed (all reasons kept). */
    private EffectResult blockAll(Event event) {
        if (event == null) {
            return EffectResult.failed("no event to take addresses from");
        }
        List<String> errors = new ArrayList<>();
        boolean changed = false;
        for (String address : RemotePeers.addresses(event)) {
            EffectResult r = block(address);
            if (r.failed()) {
                errors.add(r.error());
            } else if (r.code() == 0) {
                changed = true;
            }
        }
        if (!errors.isEmpty()) {
            return EffectResult.failed(String.join("; ", errors));
        }
        return changed ? EffectResult.done() : EffectResult.unchanged();
    }

    private static EffectResult log(RunScope scope, Level level, Value[] args) throws ArgumentException {
        Args.count(args, 1, 1);
        if (!REACTION_LOG.isEnabledForLevel(level)) {
            return EffectResult.done();
        }
        Event event = scope.event();
        REACTION_LOG.atLevel(level)
                .addKeyValue("REACTION", scope.reaction())
                .addKeyValue("EVENT_UUID", event == null ? "" : event.uuid())
                .log(Text.forLog(Args.text(args[0])));
        return EffectResult.done();
    }

    @FunctionalInterface
    private interface Body {
        EffectResult call(Value[] args) throws ArgumentException;
    }

    /** A helper that returns its code (0, 1, -1). */
    private static ProxyExecutable code(RunScope scope, String name, Body body) {
        return args -> {
            EffectResult r = call(scope, name, body, args, false);
            return r.code();
        };
    }

    /** A helper that returns a value, or "" on error. */
    private static ProxyExecutable value(RunScope scope, String name, Body body) {
        return args -> {
            EffectResult r = call(scope, name, body, args, true);
            return r.failed() ? "" : r.value();
        };
    }

    private static EffectResult call(RunScope scope, String name, Body body, Value[] args, boolean returnsValue) {
        EffectResult r;
        try {
            r = body.call(args);
        } catch (ArgumentException e) {
            r = EffectResult.failed(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("helper {} failed in reaction {}", name, scope.reaction(), e);
            r = EffectResult.failed("internal error: " + e);
        }
        String shown = returnsValue ? Args.quote(r.failed() ? "" : r.value()) : String.valueOf(r.code());
        scope.record(new HelperCall(name, Args.summary(args), shown, r.failed() ? name + ": " + r.error() : ""));
        return r;
    }
}
