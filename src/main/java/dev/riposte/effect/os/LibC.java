package dev.riposte.effect.os;

/**
 * The C library and system calls riposte makes, one method per call, each failure an
 * {@link ErrnoException} naming the call and the error. The one implementation is {@link #system()}
 * (FFM, no JNI); this interface is the only place the rest of riposte meets native code.
 * Implementations are thread-safe.
 */
public interface LibC {
    int AT_FDCWD = -100;
    int AT_REMOVEDIR = 0x200;
    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_CREAT = 0100;
    int O_NOCTTY = 0400;
    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 02000000;
    int O_PATH = 010000000;
    /** Differs between architectures (x86-64 and others; aarch64). */
    int O_DIRECTORY = Arch.AARCH64 ? 040000 : 0200000;

    int O_NOFOLLOW = Arch.AARCH64 ? 0100000 : 0400000;
    /** openat2 resolve flags. */
    long RESOLVE_NO_MAGICLINKS = 0x02;

    long RESOLVE_NO_SYMLINKS = 0x04;
    long RESOLVE_BENEATH = 0x08;
    int SIGKILL = 9;

    /** The C library of this process, through the FFM API. */
    static LibC system() {
        return FfmLibC.INSTANCE;
    }

    /** {@code openat2(2)}: opens {@code path} relative to {@code dirfd} with the {@code resolve} restrictions; returns the fd. */
    int openat2(int dirfd, String path, int flags, int mode, long resolve) throws ErrnoException;

    /** {@code mkdirat(2)}: one new directory {@code name} in the directory {@code dirfd}. */
    void mkdirat(int dirfd, String name, int mode) throws ErrnoException;

    /** {@code unlinkat(2)}: removes {@code name} from the directory {@code dirfd} ({@link #AT_REMOVEDIR} for a directory). */
    void unlinkat(int dirfd, String name, int flags) throws ErrnoException;

    /** {@code statx(2)} of an open file. */
    FileStat fstat(int fd) throws ErrnoException;

    void fchmod(int fd, int mode) throws ErrnoException;

    void ftruncate(int fd, long length) throws ErrnoException;

    /** Reads up to {@code length} bytes into {@code buffer} at {@code offset}; 0 at the end of the file. */
    int read(int fd, byte[] buffer, int offset, int length) throws ErrnoException;

    /** {@code pread(2)}: reads up to {@code length} bytes at file offset {@code position}; 0 at the end of the file. */
    int pread(int fd, byte[] buffer, int offset, int length, long position) throws ErrnoException;

    /** Writes up to {@code length} bytes; returns how many were written. */
    int write(int fd, byte[] buffer, int offset, int length) throws ErrnoException;

    void close(int fd);

    /** {@code pidfd_open(2)}: a descriptor that pins one process. */
    int pidfdOpen(long pid) throws ErrnoException;

    /** {@code pidfd_send_signal(2)}: signals the process {@code pidfd} pins. */
    void pidfdSendSignal(int pidfd, int signal) throws ErrnoException;

    /** {@code prctl(2)} option: {@code arg2} 1 sets the calling thread's no_new_privs, inherited by its children. */
    int PR_SET_NO_NEW_PRIVS = 38;
    /** {@code prctl(2)} option: with {@code arg2} {@link #PR_CAP_AMBIENT_CLEAR_ALL}, empties the thread's ambient set. */
    int PR_CAP_AMBIENT = 47;

    int PR_CAP_AMBIENT_CLEAR_ALL = 4;

    /**
     * {@code prctl(2)} with two arguments (the others 0). Its settings are the calling thread's: the
     * programs that thread starts inherit them. Needs no privilege and, unlike {@code capset(2)}, is not
     * in systemd's {@code @privileged} group.
     */
    void prctl(int option, long arg2, long arg3) throws ErrnoException;

    int AF_NETLINK = 16;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    /** The netlink family nftables speaks. */
    int NETLINK_NETFILTER = 12;

    /** {@code socket(2)}: a new socket's descriptor. */
    int socket(int domain, int type, int protocol) throws ErrnoException;

    /** {@code setns(2)} type: a network namespace. */
    int CLONE_NEWNET = 0x40000000;

    /**
     * {@code setns(2)}: moves the calling thread into the namespace {@code fd} refers to (a
     * {@code /run/netns/NAME} or {@code /proc/thread-self/ns/net} descriptor); {@code nstype} names its kind.
     */
    void setns(int fd, int nstype) throws ErrnoException;

    /** {@code kill(2)}; a negative {@code pid} is a process group. */
    void kill(long pid, int signal) throws ErrnoException;

    /**
     * Sends one {@code AF_UNIX} datagram to {@code socket}: a path, or an abstract name written with a
     * leading {@code @} (sd_notify, journald's native protocol).
     */
    void sendDatagram(String socket, byte[] payload) throws ErrnoException;

    /** {@code sync(2)} then {@code reboot(2)} with {@code cmd}; returns only if the reboot call failed. */
    void syncAndReboot(int cmd) throws ErrnoException;

    /** The architecture, for the flags that differ. */
    final class Arch {
        static final boolean AARCH64 = System.getProperty("os.arch", "").equals("aarch64");

        private Arch() {}
    }
}
