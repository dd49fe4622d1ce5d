/**
 * The netpolicy bridge: blocking addresses. {@link NetPolicies#create} picks a backend (nftables,
 * dry-run or disabled) and wraps it in the {@code never_block} guard, which no request can bypass.
 * Only literal addresses parsed by {@link dev.riposte.base.IpLiteral} ever reach a backend.
 */
package dev.riposte.effect.netpolicy;
