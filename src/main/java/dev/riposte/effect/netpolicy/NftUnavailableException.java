package dev.riposte.effect.netpolicy;

/** The nftables backend cannot work; the message is the reason, one sentence. */
final class NftUnavailableException extends Exception {
    public NftUnavailableException(String reason) {
        super(reason, null, false, false);
    }
}
