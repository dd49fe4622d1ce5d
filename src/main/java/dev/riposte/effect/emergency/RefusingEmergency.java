package dev.riposte.effect.emergency;

import dev.riposte.base.EffectResult;

/** What the emergency helpers get unless {@code emergency.enabled} is true: a refusal with the reason. */
public record RefusingEmergency(String reason) implements Emergency {
    @Override
    public EffectResult powerOff() {
        return EffectResult.failed("refused: " + reason);
    }

    @Override
    public EffectResult panic() {
        return powerOff();
    }
}
