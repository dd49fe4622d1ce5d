package dev.riposte.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that needs root: it makes network namespaces, starts journald or a container, changes users or
 * capabilities. Tagged {@code root}: a plain {@code mvn test} leaves these out (so that a developer who is
 * not root can run the rest), {@code bin/test} and CI run them ({@code -Droot-tests}).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("root")
public @interface NeedsRoot {
    /** What it needs root for. */
    String value();
}
