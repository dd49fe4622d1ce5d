package dev.riposte.sandbox;

import dev.riposte.config.RiposteConfig;
import dev.riposte.effect.os.Self;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How shell reactions start, decided once from {@code shell.*} and riposte's own privileges:
 *
 * <ul>
 *   <li>{@link Mode#ISOLATED} (the default): as {@code shell.user} and its primary group, no supplementary
 *       groups, no capabilities in any set, {@code no_new_privs}, in a new pid namespace with its own
 *       {@code /proc} (util-linux {@code unshare} and {@code setpriv}). The shell's first process is the
 *       namespace's init: when it dies every process of the run dies with it, whatever they did
 *       ({@code setsid}, double forks), and the shell cannot see or signal anything outside. This needs
 *       riposte to be root (or to hold CAP_SETUID, CAP_SETGID, CAP_CHOWN and CAP_SYS_ADMIN). When
 *       {@code shell.user} is riposte's own (non-root) user, as under the shipped unit, no change of user is
 *       needed: the shell runs as riposte with every capability set cleared and {@code no_new_privs}, in its
 *       own pid namespace if riposte may make one, else in its own session, whose process group is killed at
 *       the end (the unit forbids namespaces; a process that leaves the session stays in the service's
 *       cgroup and ends with the service).</li>
 *   <li>{@link Mode#PRIVILEGED} ({@code shell.privileged: true}): as riposte itself, with its privileges;
 *       still in its own pid namespace when riposte can make one, else in a new session whose process group
 *       is killed at the end (a process that leaves the group then outlives the run).</li>
 *   <li>{@link Mode#REFUSED}: isolation was asked for and cannot be had; shell reactions are rejected with
 *       {@link #reason()}.</li>
 * </ul>
 *
 * @param uid the user shell reactions run as (-1 unless isolated)
 * @param gid that user's primary group (-1 unless isolated)
 * @param switchUser whether the shell changes to {@code uid} (false when it already is riposte's own)
 * @param namespace whether each run gets its own pid namespace
 * @param clearBounding whether the capability bounding set is emptied too (needs CAP_SETPCAP)
 * @param bwrap the bubblewrap program that also gives the shell a read-only view of the system, no network,
 *     and only its working directory and a private /tmp to write ({@code riposte test}, see {@link TestIsolation});
 *     null when the shell is not contained so
 * @param reason why shells are refused, or how they run (for logs and riposte check)
 */
public record ShellIsolation(
        Mode mode,
        int uid,
        int gid,
        boolean switchUser,
        boolean namespace,
        boolean clearBounding,
        @Nullable String bwrap,
        String reason) {
    public enum Mode {
        ISOLATED,
        PRIVILEGED,
        REFUSED
    }

    static final int CAP_CHOWN = 0;
    static final int CAP_SETGID = 6;
    static final int CAP_SETUID = 7;
    static final int CAP_SETPCAP = 8;
    static final int CAP_SYS_ADMIN = 21;

    /** The user a name or uid is, from the system's user database. */
    @FunctionalInterface
    interface Users {
        /** {uid, gid} of {@code name}, or null when there is no such user. */
        int @Nullable [] lookup(String name) throws IOException;
    }

    /** The isolation this process can give shell reactions under {@code config}. */
    public static ShellIsolation of(RiposteConfig.Shell config) {
        try {
            Self self = Self.read();
            return of(config, self.capabilities(), self.uid(), Getent::lookup);
        } catch (IOException e) {
            return refused("cannot tell riposte's privileges or look up " + "shell.user " + config.user() + ": "
                    + e.getMessage());
        }
    }

    static ShellIsolation refused(String reason) {
        return new ShellIsolation(Mode.REFUSED, -1, -1, false, false, false, null, reason);
    }

    /**
     * @param capabilities riposte's effective capability set
     * @param selfUid riposte's own uid
     */
    static ShellIsolation of(RiposteConfig.Shell config, long capabilities, int selfUid, Users users)
            throws IOException {
        Self self = new Self(capabilities, selfUid);
        boolean namespace = self.has(CAP_SYS_ADMIN);
        boolean bounding = self.has(CAP_SETPCAP);
        String where = namespace
                ? ", each in its own pid namespace"
                : ", each in its own session, whose processes are killed at the end (one that leaves it outlives the run)";
        if (config.privileged()) {
            return new ShellIsolation(
                    Mode.PRIVILEGED,
                    -1,
                    -1,
                    false,
                    namespace,
                    false,
                    null,
                    "shell reactions run as riposte " + "itself, with its privileges (shell.privileged: true)" + where);
        }
        int[] user = users.lookup(config.user());
        if (user == null) {
            return refused("shell.user " + config.user() + " does not exist on this system");
        }
        if (user[0] == 0) {
            return refused("shell.user " + config.user()
                    + " is root; set shell.privileged: true to run shell reactions " + "with privileges");
        }
        if (user[0] == selfUid) {
            return new ShellIsolation(
                    Mode.ISOLATED,
                    user[0],
                    user[1],
                    false,
                    namespace,
                    bounding,
                    null,
                    "shell reactions run "
                            + "as riposte's own user, uid " + user[0] + " (shell.user " + config.user() + "), with no "
                            + "capabilities and no_new_privs" + where);
        }
        if (!(self.has(CAP_SETUID) && self.has(CAP_SETGID) && self.has(CAP_CHOWN) && namespace)) {
            return refused("shell reactions run as shell.user " + config.user() + " with no capabilities in their own "
                    + "pid namespace, which needs riposte to hold CAP_SETUID, CAP_SETGID, CAP_CHOWN and CAP_SYS_ADMIN "
                    + "(root has them), and this riposte does not. Run it as root, "
                    + (selfUid == 0
                            ? ""
                            : "set shell.user to riposte's own user (uid " + selfUid + ") to run them as "
                                    + "it with no capabilities, ")
                    + "or set shell.privileged: true to run shell reactions with riposte's "
                    + "own privileges");
        }
        return new ShellIsolation(
                Mode.ISOLATED,
                user[0],
                user[1],
                true,
                true,
                bounding,
                null,
                "shell reactions run as uid "
                        + user[0] + " gid " + user[1] + " (shell.user " + config.user() + ") with no capabilities and "
                        + "no_new_privs" + where);
    }

    /** The command that starts {@code shell} (the leader script and its arguments) under this isolation. */
    List<String> command(List<String> shell, Path work) {
        List<String> argv = new ArrayList<>();
        if (bwrap != null) {
            // bubblewrap makes the pid namespace itself (below)
        } else if (namespace) {
            // unshare forks: the child is pid 1 of the new namespace, killed (and with it the whole namespace)
            // when unshare is, which is how riposte ends a run.
            argv.addAll(List.of("unshare", "--pid", "--fork", "--kill-child=SIGKILL", "--mount-proc"));
        } else {
            argv.add("setsid");
        }
        if (mode == Mode.ISOLATED && switchUser) {
            argv.addAll(List.of(
                    "setpriv",
                    "--reuid=" + uid,
                    "--regid=" + gid,
                    "--clear-groups",
                    "--inh-caps=-all",
                    "--ambient-caps=-all"));
            if (clearBounding) {
                argv.add("--bounding-set=-all");
            }
            // A change of user clears the parent-death signal unshare set: set it again, after the change.
            argv.addAll(List.of("--no-new-privs", "--pdeathsig=KILL", "--"));
        }
        // As riposte's own user the shell has no capability to drop and needs no setpriv (which would call
        // capset(2), refused by the unit's system-call filter, for any change): ShellRunner starts it from a
        // thread with an empty ambient set and no_new_privs, so its exec gave it no capability, and its
        // inheritable set gives none under no_new_privs to programs without file capabilities.
        if (bwrap != null) {
            // The sandbox's pid 1 dies with bwrap (--die-with-parent), and the namespace with it: killing bwrap
            // ends the run. The working directory is bound over the private /tmp when it lies in /tmp.
            String dir = work.toAbsolutePath().toString();
            argv.addAll(List.of(
                    bwrap,
                    "--unshare-all",
                    "--die-with-parent",
                    "--new-session",
                    "--cap-drop",
                    "ALL",
                    "--ro-bind",
                    "/",
                    "/",
                    "--proc",
                    "/proc",
                    "--dev",
                    "/dev",
                    "--tmpfs",
                    "/tmp",
                    "--tmpfs",
                    "/var/tmp",
                    "--tmpfs",
                    "/run",
                    "--bind",
                    dir,
                    dir,
                    "--chdir",
                    dir,
                    "--"));
        }
        argv.addAll(shell);
        return argv;
    }
}
