package dev.riposte.effect.os;

/**
 * What {@code openat2(2)} does with {@code RESOLVE_NO_SYMLINKS} (and {@code RESOLVE_BENEATH}), done with
 * plain {@code openat(2)} one path component at a time, for where openat2 answers ENOSYS: kernels before
 * 5.6, and systemd's {@code RestrictSUIDSGID=}, whose filter cannot look into openat2's flags and refuses
 * it so that programs fall back to openat. Each component is opened relative to the one before with
 * {@code O_PATH | O_NOFOLLOW} and looked at through its descriptor: a symbolic link anywhere is ELOOP and
 * an absolute path beneath a directory is EXDEV, as openat2 says. A link swapped in after a component was
 * opened changes nothing, since the next step starts from the descriptor. One difference, on the safe
 * side: beneath a directory every {@code ..} is EXDEV, also one that would stay beneath (openat2 checks
 * those against directories moved meanwhile; a walk cannot).
 */
final class WalkingOpen {
    /** The calls the walk is made of. */
    interface Calls {
        int openat(int dirfd, String name, int flags, int mode) throws ErrnoException;

        FileStat fstat(int fd) throws ErrnoException;

        void close(int fd);
    }

    private WalkingOpen() {}

    static int open(Calls c, int dirfd, String path, int flags, int mode, long resolve) throws ErrnoException {
        if ((resolve & LibC.RESOLVE_NO_SYMLINKS) == 0) {
            // Following links safely is what openat2 is for; nothing here needs it.
            throw new ErrnoException("openat2", ErrnoException.ENOSYS);
        }
        boolean beneath = (resolve & LibC.RESOLVE_BENEATH) != 0;
        if (path.isEmpty()) {
            throw new ErrnoException("openat2", ErrnoException.ENOENT);
        }
        if (path.startsWith("/") && beneath) {
            throw new ErrnoException("openat2", ErrnoException.EXDEV);
        }
        String[] parts = path.split("/+");
        int at = path.startsWith("/")
                ? c.openat(LibC.AT_FDCWD, "/", LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0)
                : dirfd;
        int first = path.startsWith("/") ? 1 : 0;
        int last = parts.length - 1;
        while (last > first && parts[last].equals(".")) {
            last--;
        }
        try {
            for (int i = first; i < last; i++) {
                if (parts[i].isEmpty() || parts[i].equals(".")) {
                    continue;
                }
                int next = step(c, at, parts[i], beneath, LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0, true);
                release(c, at, dirfd);
                at = next;
            }
            String name = last < first || parts[last].isEmpty() ? "." : parts[last];
            // "file/" names a directory: the file is not one
            int trailing = path.endsWith("/") && parts.length > first ? LibC.O_DIRECTORY : 0;
            return step(c, at, name, beneath, flags | trailing | LibC.O_NOFOLLOW, mode, false);
        } finally {
            release(c, at, dirfd);
        }
    }

    /** Opens {@code name} in {@code at}; a directory is required on the way, a link is refused everywhere. */
    private static int step(Calls c, int at, String name, boolean beneath, int flags, int mode, boolean directory)
            throws ErrnoException {
        if (name.equals("..") && beneath) {
            throw new ErrnoException("openat2", ErrnoException.EXDEV);
        }
        int fd;
        try {
            fd = c.openat(at, name, flags, mode);
        } catch (ErrnoException e) {
            if (e.errno == ErrnoException.ENOTDIR && (flags & LibC.O_DIRECTORY) != 0 && isLink(c, at, name)) {
                // O_DIRECTORY | O_NOFOLLOW on a link says ENOTDIR; openat2 says what it is
                throw new ErrnoException("openat2", ErrnoException.ELOOP);
            }
            throw e;
        }
        boolean ok = false;
        try {
            // O_PATH | O_NOFOLLOW opens a link itself instead of failing: look at what was opened.
            if ((flags & LibC.O_PATH) != 0) {
                FileStat stat = c.fstat(fd);
                if (stat.isSymlink()) {
                    throw new ErrnoException("openat2", ErrnoException.ELOOP);
                }
                if (directory && !stat.isDirectory()) {
                    throw new ErrnoException("openat2", ErrnoException.ENOTDIR);
                }
            }
            ok = true;
            return fd;
        } finally {
            if (!ok) {
                c.close(fd);
            }
        }
    }

    private static boolean isLink(Calls c, int at, String name) {
        try {
            int fd = c.openat(at, name, LibC.O_PATH | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
            try {
                return c.fstat(fd).isSymlink();
            } finally {
                c.close(fd);
            }
        } catch (ErrnoException e) {
            return false;
        }
    }

    private static void release(Calls c, int fd, int given) {
        if (fd != given && fd != LibC.AT_FDCWD) {
            c.close(fd);
        }
    }
}
