package dev.riposte.service;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.jspecify.annotations.Nullable;

/**
 * SIGHUP (what {@code systemctl reload} sends) through {@code sun.misc.Signal}, the JDK's only way to
 * handle a signal. Reached reflectively, in this class alone: the compiler's warning about that internal
 * API cannot be suppressed, and the build fails on warnings. The module ({@code jdk.unsupported}) is in
 * every JDK and in the runtime the package carries.
 */
public final class Hangup {
    private Hangup() {}

    /**
     * Runs {@code action} on the JVM's signal thread at every SIGHUP instead of ending the JVM.
     *
     * @throws IllegalStateException when this JVM has no {@code sun.misc.Signal}
     */
    public static void handle(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            Object onSignal = Proxy.newProxyInstance(
                    Hangup.class.getClassLoader(),
                    new Class<?>[] {handler},
                    (proxy, method, args) -> invoked(proxy, method, args, action));
            signal.getMethod("handle", signal, handler).invoke(null, hup, onSignal);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException t ? t.getCause() : e;
            throw new IllegalStateException("cannot handle SIGHUP: " + cause, cause);
        }
    }

    private static @Nullable Object invoked(Object proxy, Method method, Object[] args, Runnable action) {
        return switch (method.getName()) {
            case "handle" -> {
                action.run();
                yield null;
            }
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "riposte's SIGHUP handler";
            default -> throw new UnsupportedOperationException(method.getName());
        };
    }
}
