package dev.riposte.effect.os;

import java.util.Map;

/** A C library call failed; {@link #errno} says why, and the message names the call and the error. */
public final class ErrnoException extends Exception {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int EMSGSIZE = 90;
    public static final int ENOBUFS = 105;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM (operation not permitted)"),
            Map.entry(ENOENT, "ENOENT (no such file or directory)"),
            Map.entry(ESRCH, "ESRCH (no such process)"),
            Map.entry(EINTR, "EINTR (interrupted)"),
            Map.entry(ENXIO, "ENXIO (no such device or address)"),
            Map.entry(EAGAIN, "EAGAIN (it would block)"),
            Map.entry(EACCES, "EACCES (permission denied)"),
            Map.entry(EEXIST, "EEXIST (it exists)"),
            Map.entry(EXDEV, "EXDEV (it crosses a mount point)"),
            Map.entry(ENOTDIR, "ENOTDIR (not a directory)"),
            Map.entry(EISDIR, "EISDIR (a directory)"),
            Map.entry(EINVAL, "EINVAL (invalid argument)"),
            Map.entry(EMFILE, "EMFILE (too many open files)"),
            Map.entry(ENOSPC, "ENOSPC (no space left on the device)"),
            Map.entry(ENAMETOOLONG, "ENAMETOOLONG (the name is too long)"),
            Map.entry(ENOSYS, "ENOSYS (the kernel lacks this call)"),
            Map.entry(ENOTEMPTY, "ENOTEMPTY (not empty)"),
            Map.entry(ELOOP, "ELOOP (a symbolic link where none may be)"),
            Map.entry(EMSGSIZE, "EMSGSIZE (message too long)"),
            Map.entry(ENOBUFS, "ENOBUFS (no buffer space)"));

    public final int errno;

    public ErrnoException(String call, int errno) {
        super(call + " failed: " + describe(errno), null, false, false);
        this.errno = errno;
    }

    /** The errno's name and meaning, such as {@code ELOOP (a symbolic link where none may be)}. */
    public static String describe(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
