package dev.riposte.intake;

import io.netty.channel.unix.PeerCredentials;
import java.util.List;

/**
 * Who may connect: root, riposte's own uid, and the listed uids and gids. Immutable and thread-safe.
 */
record PeerPolicy(int ownUid, List<Integer> uids, List<Integer> gids) {
    PeerPolicy {
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
    }

    boolean allows(PeerCredentials peer) {
        if (peer.uid() == 0 || peer.uid() == ownUid || uids.contains(peer.uid())) {
            return true;
        }
        for (int gid : peer.gids()) {
            if (gids.contains(gid)) {
                return true;
            }
        }
        return false;
    }

    static String describe(PeerCredentials peer) {
        int[] gids = peer.gids();
        return "pid=" + peer.pid() + " uid=" + peer.uid() + " gid=" + (gids.length > 0 ? gids[0] : -1);
    }
}
