package dev.riposte.helpers;

import dev.riposte.base.EffectResult;
import dev.riposte.base.HelperCall;
import dev.riposte.base.Text;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the helper functions of one run: each call checks its arguments, does its work, is recorded
 * in the run's {@link RunScope}, and gives the script the Jibril return value. A failure sets
 * {@code Errno()} to "Helper: reason"; no Java exception ever reaches the script.
 */
final class Functions {
    private static final Logger LOG = LoggerFactory.getLogger(Functions.class);

    /** The work of a helper; failures are thrown as one of the checked exceptions with a readable message. */
    @FunctionalInterface
    interface Body<T> {
        T call(Value[] args) throws ArgumentException, Failure;
    }

    /** A failure of a value helper, with its reason. */
    static final class Failure extends Exception {
        Failure(String message) {
            super(message, null, false, false);
        }

        /** The value of a successful effect, or its error as a Failure. */
        static String valueOf(EffectResult r) throws Failure {
            if (r.failed()) {
                throw new Failure(r.error());
            }
            return r.value();
        }
    }

    /**
     * A host function as a script sees it: where the engine names a function in a message
     * ({@code new Info()}), it names the helper, never the host class behind it.
     */
    record Named(String name, ProxyExecutable body) implements ProxyExecutable {
        @Override
        public Object execute(Value... args) {
            return body.execute(args);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final RunScope scope;

    Functions(RunScope scope) {
        this.scope = scope;
    }

    RunScope scope() {
        return scope;
    }

    /** The run's event; a file being checked has none, and the helper fails saying what it needed it for. */
    dev.riposte.event.Event event(String neededFor) throws Failure {
        if (scope.event() == null) {
            throw new Failure("no event to take " + neededFor + " from");
        }
        return scope.event();
    }

    /** A helper that returns a code: 0 done, 1 nothing to do, -1 failed. */
    ProxyExecutable code(String name, Body<EffectResult> body) {
        return new Named(name, args -> {
            EffectResult r;
            try {
                r = body.call(args);
            } catch (ArgumentException | Failure e) {
                r = EffectResult.failed(Text.message(e));
            } catch (RuntimeException e) {
                r = EffectResult.failed(internal(name, e));
            }
            scope.record(new HelperCall(
                    name,
                    Args.summary(args),
                    String.valueOf(r.code()),
                    r.failed() ? name + ": " + r.error() : "",
                    r.targets()));
            return r.code();
        });
    }

    /** A helper that returns a value, or {@code onFailure} ("" or null) when it fails. */
    ProxyExecutable value(String name, @Nullable Object onFailure, Body<Object> body) {
        return new Named(name, args -> {
            Object result;
            String errno = "";
            try {
                result = body.call(args);
            } catch (ArgumentException | Failure e) {
                result = onFailure;
                errno = name + ": " + e.getMessage();
            } catch (RuntimeException e) {
                result = onFailure;
                errno = name + ": " + internal(name, e);
            }
            scope.record(new HelperCall(name, Args.summary(args), Args.show(result), errno));
            return result;
        });
    }

    /** A failure of riposte's own code: logged with its stack trace; the script's errno names no host class. */
    private String internal(String name, RuntimeException e) {
        LOG.error("helper {} failed in reaction {}", name, scope.reaction(), e);
        return "internal error in riposte (logged)";
    }
}
