package dev.riposte.effect;

import dev.riposte.effect.emergency.Emergency;
import dev.riposte.effect.emergency.RefusingEmergency;
import dev.riposte.effect.files.DisabledFiles;
import dev.riposte.effect.files.FileEffects;
import dev.riposte.effect.netpolicy.DisabledNetPolicy;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.effect.process.DisabledProcesses;
import dev.riposte.effect.process.Processes;
import dev.riposte.effect.state.KeyValues;
import dev.riposte.effect.state.UnavailableKeyValues;
import java.util.Objects;

/** Everything a reaction's helpers can do to the host, each behind its interface. */
public record Effects(FileEffects files, NetPolicy net, Processes processes, KeyValues store, Emergency emergency) {
    public Effects {
        Objects.requireNonNull(files);
        Objects.requireNonNull(net);
        Objects.requireNonNull(processes);
        Objects.requireNonNull(store);
        Objects.requireNonNull(emergency);
    }

    /** Effects that all refuse with {@code reason} (a file being checked, a test that needs none). */
    public static Effects refusing(String reason) {
        return new Effects(
                new DisabledFiles(reason),
                new DisabledNetPolicy(reason),
                new DisabledProcesses(reason),
                new UnavailableKeyValues(reason),
                new RefusingEmergency(reason));
    }

    public Effects withFiles(FileEffects f) {
        return new Effects(f, net, processes, store, emergency);
    }

    public Effects withNet(NetPolicy n) {
        return new Effects(files, n, processes, store, emergency);
    }

    public Effects withProcesses(Processes p) {
        return new Effects(files, net, p, store, emergency);
    }

    public Effects withStore(KeyValues s) {
        return new Effects(files, net, processes, s, emergency);
    }

    public Effects withEmergency(Emergency e) {
        return new Effects(files, net, processes, store, e);
    }
}
