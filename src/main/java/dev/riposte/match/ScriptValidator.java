package dev.riposte.match;

import org.graalvm.polyglot.Source;

/** Checks a reaction script with the engine that will run it; implemented by the sandbox. */
@FunctionalInterface
public interface ScriptValidator {
    /**
     * Returns the parsed source of a valid script.
     *
     * @param fileName the name used in the engine's error positions
     * @throws ReactionException when the script does not parse or defines no {@code process} function
     */
    Source validate(String fileName, String text) throws ReactionException;
}
