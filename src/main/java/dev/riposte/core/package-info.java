/**
 * Values and text utilities every stage shares, depending on no other part of riposte: what an effect
 * answers ({@link dev.riposte.core.EffectResult}), a helper call as the audit records it
 * ({@link dev.riposte.core.HelperCall}), addresses and networks as operators write them
 * ({@link dev.riposte.core.IpLiteral}, {@link dev.riposte.core.Cidr}), text made safe for one log line
 * ({@link dev.riposte.core.Text}) and a log rate limit ({@link dev.riposte.core.LogLimiter}).
 */
package dev.riposte.core;
