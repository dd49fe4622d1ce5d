package dev.riposte.dispatch;

/** Receives every run record (audit sinks). Called from worker threads concurrently. */
@FunctionalInterface
public interface RunListener {
    void onRun(RunRecord record);
}
