package dev.riposte.match;

/** Checks a reaction script with the runner that will run it (the JavaScript sandbox, the shell runner). */
@FunctionalInterface
public interface ScriptValidator {
    /**
     * Returns the validated code of a valid script.
     *
     * @param fileName the name used in the engine's error positions
     * @throws ReactionException when the script does not parse (or, for JavaScript, defines no {@code process} function)
     */
    Code validate(String fileName, String text) throws ReactionException;
}
