package dev.riposte.helpers;

import dev.riposte.effect.EffectResult;
import dev.riposte.effect.Effects;
import dev.riposte.event.Event;
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
    public static final List<String> GLOBALS = globals();
    private static final Logger REACTION_LOG = LoggerFactory.getLogger("riposte.reaction");

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

    private final Effects effects;

    public Helpers(Effects effects) {
        this.effects = effects;
    }

    private static List<String> globals() {
        List<String> all = new ArrayList<>(List.of("Info", "Warn", "Error", "Errno", "console"));
        all.addAll(FileHelpers.NAMES);
        all.addAll(NetHelpers.NAMES);
        all.addAll(ProcessHelpers.NAMES);
        all.addAll(DataHelpers.NAMES);
        return List.copyOf(all);
    }

    /** Puts the helper functions into {@code bindings}, all reporting to {@code scope}. */
    public void install(Value bindings, RunScope scope) {
        Functions f = new Functions(scope);
        Value errorBothWays = bindings.getContext().eval(ERROR_BOTH_WAYS_SOURCE);
        bindings.putMember("Info", f.code("Info", args -> log(scope, Level.INFO, args)));
        bindings.putMember("Warn", f.code("Warn", args -> log(scope, Level.WARN, args)));
        bindings.putMember("Error", errorBothWays.execute(bindings.getMember("Error"),
                f.code("Error", args -> log(scope, Level.ERROR, args))));
        bindings.putMember("Errno", (ProxyExecutable) args -> scope.errno());
        FileHelpers.install(bindings, f, effects.files());
        NetHelpers.install(bindings, f, effects.net());
        ProcessHelpers.install(bindings, f, effects.processes(), effects.emergency());
        DataHelpers.install(bindings, f, effects.store());
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
}
