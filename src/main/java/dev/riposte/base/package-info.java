/**
 * What every stage shares, depending on no other part of riposte. Values and text: what an effect answers
 * ({@link dev.riposte.base.EffectResult}), a helper call as the audit records it
 * ({@link dev.riposte.base.HelperCall}), addresses and networks as operators write them
 * ({@link dev.riposte.base.IpLiteral}, {@link dev.riposte.base.Cidr}), durations as they write them
 * ({@link dev.riposte.base.Durations}), text made safe for one log line ({@link dev.riposte.base.Text}) and
 * a log rate limit ({@link dev.riposte.base.LogLimiter}). Time: the {@link dev.riposte.base.Scheduler} that
 * runs every periodic job, so that no part starts a timer thread of its own and tests drive time instead
 * of waiting for it.
 */
package dev.riposte.base;
