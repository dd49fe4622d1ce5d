package dev.riposte.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's effective capabilities and real uid. */
record Self(long capabilities, int uid) {
    /** From /proc/self/status. */
    static Self read() throws IOException {
        Long caps = null;
        Integer uid = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
            } else if (line.startsWith("Uid:")) {
                uid = Integer.parseInt(line.substring("Uid:".length()).trim().split("\\s+")[0]);
            }
        }
        if (caps == null || uid == null) {
            throw new IOException("/proc/self/status has no CapEff or Uid line");
        }
        return new Self(caps, uid);
    }
}
