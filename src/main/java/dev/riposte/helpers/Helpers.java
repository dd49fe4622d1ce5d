package dev.riposte.helpers;

import dev.riposte.base.EffectResult;
import dev.riposte.base.Text;
import dev.riposte.effect.Effects;
import dev.riposte.event.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Context;
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
    private final RunLimits limits;

    public Helpers(Effects effects, RunLimits limits) {
        this.effects = effects;
        this.limits = limits;
    }

    private static List<String> globals() {
        List<String> all = new ArrayList<>(List.of("Info", "Warn", "Error", "Errno", "console"));
        all.addAll(FileHelpers.NAMES);
        all.addAll(NetHelpers.NAMES);
        all.addAll(ProcessHelpers.NAMES);
        all.addAll(DataHelpers.NAMES);
        return List.copyOf(all);
    }

    /** A scope for the runs of a context this object installs into. */
    public RunScope newScope() {
        return new RunScope(limits, System::nanoTime);
    }

    /**
     * Puts the helper functions into {@code bindings}, all reporting to {@code scope}; {@code jsonParse} is
     * the engine's own JSON.parse (Stat's answer is parsed with it).
     */
    public void install(Value bindings, RunScope scope, Value jsonParse) {
        Functions f = new Functions(scope);
        Map<String, ProxyExecutable> all = new LinkedHashMap<>();
        all.put("Info", f.code("Info", args -> log(scope, Level.INFO, args)));
        all.put("Warn", f.code("Warn", args -> log(scope, Level.WARN, args)));
        all.put("Errno", new Functions.Named("Errno", args -> scope.errno()));
        FileHelpers.install(all, f, effects.files(), jsonParse);
        NetHelpers.install(all, f, effects.net());
        ProcessHelpers.install(all, f, effects.processes(), effects.emergency());
        DataHelpers.install(all, f, effects.store());
        ProxyExecutable console = new Functions.Named("log", args -> {
            if (REACTION_LOG.isDebugEnabled()) {
                List<String> parts = new ArrayList<>();
                for (Value v : args) {
                    parts.add(Args.text(v));
                }
                String line = Text.forLog(String.join(" ", parts));
                if (scope.admitLog(line.length())) {
                    REACTION_LOG
                            .atDebug()
                            .addKeyValue("REACTION", scope.reaction())
                            .log("console: {}", line);
                }
            }
            return null;
        });
        all.forEach(bindings::putMember);
        bindings.putMember(
                "console",
                ProxyObject.fromMap(
                        Map.of("log", console, "info", console, "debug", console, "warn", console, "error", console)));
        Context context = bindings.getContext();
        bindings.putMember(
                "Error",
                context.eval(ERROR_BOTH_WAYS_SOURCE)
                        .execute(bindings.getMember("Error"), f.code("Error", args -> log(scope, Level.ERROR, args))));
    }

    private static EffectResult log(RunScope scope, Level level, Value[] args) throws ArgumentException {
        Args.count(args, 1, 1);
        if (!REACTION_LOG.isEnabledForLevel(level)) {
            return EffectResult.done();
        }
        String message = Text.forLog(Args.text(args[0]));
        if (!scope.admitLog(message.length())) {
            return EffectResult.done();
        }
        Event event = scope.event();
        REACTION_LOG
                .atLevel(level)
                .addKeyValue("REACTION", scope.reaction())
                .addKeyValue("EVENT_UUID", event == null ? "" : event.uuid())
                .log(message);
        return EffectResult.done();
    }
}
