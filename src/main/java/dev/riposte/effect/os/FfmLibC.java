package dev.riposte.effect.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LibC} through the FFM API: one downcall handle per function, errno captured with each call.
 * Calls without a glibc wrapper go through {@code syscall(2)}; their numbers are the same on every Linux
 * architecture (added after the tables were unified). Thread-safe (stateless).
 *
 * <p>Its length is that of the bindings, one handle and one short wrapper per C function riposte calls: in
 * one class, the native layer is read in one place, and it is one of the two classes allowed restricted
 * calls (with {@link LibNftables}).
 */
@SuppressWarnings("restricted") // the native layer: the one place besides LibNftables that links native code
final class FfmLibC implements LibC {
    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_OPENAT2 = 437;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final int STATX_SIZE = 256;
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sockaddr_un: sa_family_t then 108 bytes of path. */
    private static final int SUN_PATH_MAX = 108;

    private static final Logger LOG = LoggerFactory.getLogger(FfmLibC.class);
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout PTR = ValueLayout.ADDRESS;
    /** Last of the static fields: building it needs the layouts above. */
    static final FfmLibC INSTANCE = new FfmLibC();

    private final MethodHandle syscall2 = syscall(LONG, LONG);
    private final MethodHandle syscall4 = syscall(LONG, LONG, PTR, LONG);
    private final MethodHandle syscallOpenat2 = syscall(LONG, PTR, PTR, LONG);
    private final MethodHandle openat = Linker.nativeLinker()
            .downcallHandle(
                    lookup("openat"),
                    FunctionDescriptor.of(INT, INT, PTR, INT, INT),
                    Linker.Option.firstVariadicArg(3),
                    Linker.Option.captureCallState("errno"));
    private final MethodHandle mkdirat = function("mkdirat", FunctionDescriptor.of(INT, INT, PTR, INT));
    private final MethodHandle unlinkat = function("unlinkat", FunctionDescriptor.of(INT, INT, PTR, INT));
    private final MethodHandle statx = function("statx", FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR));
    private final MethodHandle fchmod = function("fchmod", FunctionDescriptor.of(INT, INT, INT));
    private final MethodHandle ftruncate = function("ftruncate", FunctionDescriptor.of(INT, INT, LONG));
    private final MethodHandle read = function("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private final MethodHandle pread = function("pread", FunctionDescriptor.of(LONG, INT, PTR, LONG, LONG));
    private final MethodHandle write = function("write", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    private final MethodHandle close = function("close", FunctionDescriptor.of(INT, INT));
    private final MethodHandle kill = function("kill", FunctionDescriptor.of(INT, INT, INT));
    private final MethodHandle setns = function("setns", FunctionDescriptor.of(INT, INT, INT));
    private final MethodHandle prctl = Linker.nativeLinker()
            .downcallHandle(
                    lookup("prctl"),
                    FunctionDescriptor.of(INT, INT, LONG, LONG, LONG, LONG),
                    Linker.Option.firstVariadicArg(1),
                    Linker.Option.captureCallState("errno"));
    private final MethodHandle socket = function("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private final MethodHandle sendto = function("sendto", FunctionDescriptor.of(LONG, INT, PTR, LONG, INT, PTR, INT));
    private final MethodHandle sync = Linker.nativeLinker().downcallHandle(lookup("sync"), FunctionDescriptor.ofVoid());
    private final MethodHandle reboot = function("reboot", FunctionDescriptor.of(INT, INT));

    private FfmLibC() {}

    private static MemorySegment lookup(String name) {
        SymbolLookup libc = Linker.nativeLinker().defaultLookup();
        return libc.find(name).orElseThrow(() -> new IllegalStateException("the C library has no " + name));
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(lookup(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    /** {@code long syscall(long number, ...)} with these variadic arguments. */
    private static MethodHandle syscall(MemoryLayout... args) {
        MemoryLayout[] all = new MemoryLayout[args.length + 1];
        all[0] = LONG;
        System.arraycopy(args, 0, all, 1, args.length);
        return Linker.nativeLinker()
                .downcallHandle(
                        lookup("syscall"),
                        FunctionDescriptor.of(LONG, all),
                        Linker.Option.firstVariadicArg(1),
                        Linker.Option.captureCallState("errno"));
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** A C string; a Java string with a NUL would name another file, so it is refused. */
    private static MemorySegment cString(Arena arena, String call, String s) throws ErrnoException {
        if (s.indexOf('\0') >= 0) {
            throw new ErrnoException(call, ErrnoException.EINVAL);
        }
        return arena.allocateFrom(s, StandardCharsets.UTF_8);
    }

    private static IllegalStateException broken(String call, Throwable t) {
        return new IllegalStateException(call + " could not be called", t);
    }

    /** Set once openat2 answered ENOSYS: from then on paths are walked ({@link WalkingOpen}). */
    private volatile boolean openat2Refused;

    private final WalkingOpen.Calls walkCalls = new WalkingOpen.Calls() {
        @Override
        public int openat(int dirfd, String name, int flags, int mode) throws ErrnoException {
            return FfmLibC.this.openat(dirfd, name, flags, mode);
        }

        @Override
        public FileStat fstat(int fd) throws ErrnoException {
            return FfmLibC.this.fstat(fd);
        }

        @Override
        public void close(int fd) {
            FfmLibC.this.close(fd);
        }
    };

    @Override
    public int openat2(int dirfd, String path, int flags, int mode, long resolve) throws ErrnoException {
        if (openat2Refused) {
            return openat2ByWalk(dirfd, path, flags, mode, resolve);
        }
        try {
            return openat2Call(dirfd, path, flags, mode, resolve);
        } catch (ErrnoException e) {
            if (e.errno != ErrnoException.ENOSYS) {
                throw e;
            }
            openat2Refused = true;
            LOG.info("openat2 is refused here (ENOSYS: a kernel before 5.6, or systemd's RestrictSUIDSGID=); paths are "
                    + "opened one component at a time instead, refusing links the same way");
            return openat2ByWalk(dirfd, path, flags, mode, resolve);
        }
    }

    /** What openat2 would do, with openat one component at a time (what the daemon uses where openat2 is refused). */
    int openat2ByWalk(int dirfd, String path, int flags, int mode, long resolve) throws ErrnoException {
        return WalkingOpen.open(walkCalls, dirfd, path, flags, mode, resolve);
    }

    private int openat(int dirfd, String name, int flags, int mode) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment p = cString(arena, "openat", name);
            int fd;
            do {
                fd = (int) openat.invokeExact(state, dirfd, p, flags, mode);
            } while (fd < 0 && errno(state) == ErrnoException.EINTR);
            if (fd < 0) {
                throw new ErrnoException("openat", errno(state));
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("openat", t);
        }
    }

    private int openat2Call(int dirfd, String path, int flags, int mode, long resolve) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment how = arena.allocate(24);
            how.set(LONG, 0, Integer.toUnsignedLong(flags));
            how.set(LONG, 8, mode);
            how.set(LONG, 16, resolve);
            MemorySegment p = cString(arena, "openat2", path);
            long fd;
            do {
                fd = (long) syscallOpenat2.invokeExact(state, SYS_OPENAT2, (long) dirfd, p, how, 24L);
            } while (fd < 0 && errno(state) == ErrnoException.EINTR);
            if (fd < 0) {
                throw new ErrnoException("openat2", errno(state));
            }
            return (int) fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("openat2", t);
        }
    }

    @Override
    public void mkdirat(int dirfd, String name, int mode) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) mkdirat.invokeExact(state, dirfd, cString(arena, "mkdirat", name), mode) != 0) {
                throw new ErrnoException("mkdirat", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("mkdirat", t);
        }
    }

    @Override
    public void unlinkat(int dirfd, String name, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) unlinkat.invokeExact(state, dirfd, cString(arena, "unlinkat", name), flags) != 0) {
                throw new ErrnoException("unlinkat", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("unlinkat", t);
        }
    }

    @Override
    public FileStat fstat(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            if ((int) statx.invokeExact(state, fd, arena.allocateFrom(""), AT_EMPTY_PATH, STATX_BASIC_STATS, buf)
                    != 0) {
                throw new ErrnoException("statx", errno(state));
            }
            // struct statx: nlink @16, uid @20, mode (u16) @28, ino @32, size @40, mtime.tv_sec @112,
            // dev_major @136, dev_minor @140.
            return new FileStat(
                    Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28)),
                    Integer.toUnsignedLong(buf.get(INT, 16)),
                    buf.get(INT, 20),
                    FileStat.makedev(
                            Integer.toUnsignedLong(buf.get(INT, 136)), Integer.toUnsignedLong(buf.get(INT, 140))),
                    buf.get(LONG, 32),
                    buf.get(LONG, 40),
                    buf.get(LONG, 112));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("statx", t);
        }
    }

    @Override
    public void fchmod(int fd, int mode) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) fchmod.invokeExact(state, fd, mode) != 0) {
                throw new ErrnoException("fchmod", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("fchmod", t);
        }
    }

    @Override
    public void ftruncate(int fd, long length) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) ftruncate.invokeExact(state, fd, length) != 0) {
                throw new ErrnoException("ftruncate", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("ftruncate", t);
        }
    }

    @Override
    public int pread(int fd, byte[] buffer, int offset, int length, long position) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment mem = arena.allocate(Math.max(1, length));
            long n;
            do {
                n = (long) pread.invokeExact(state, fd, mem, (long) length, position);
            } while (n < 0 && errno(state) == ErrnoException.EINTR);
            if (n < 0) {
                throw new ErrnoException("pread", errno(state));
            }
            MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, 0, buffer, offset, (int) n);
            return (int) n;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("pread", t);
        }
    }

    @Override
    public int read(int fd, byte[] buffer, int offset, int length) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment mem = arena.allocate(Math.max(1, length));
            long n;
            do {
                n = (long) read.invokeExact(state, fd, mem, (long) length);
            } while (n < 0 && errno(state) == ErrnoException.EINTR);
            if (n < 0) {
                throw new ErrnoException("read", errno(state));
            }
            MemorySegment.copy(mem, ValueLayout.JAVA_BYTE, 0, buffer, offset, (int) n);
            return (int) n;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("read", t);
        }
    }

    @Override
    public int write(int fd, byte[] buffer, int offset, int length) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment mem = arena.allocate(Math.max(1, length));
            MemorySegment.copy(buffer, offset, mem, ValueLayout.JAVA_BYTE, 0, length);
            long n;
            do {
                n = (long) write.invokeExact(state, fd, mem, (long) length);
            } while (n < 0 && errno(state) == ErrnoException.EINTR);
            if (n < 0) {
                throw new ErrnoException("write", errno(state));
            }
            return (int) n;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("write", t);
        }
    }

    @Override
    public void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) close.invokeExact(arena.allocate(CALL_STATE), fd);
        } catch (Throwable t) {
            throw broken("close", t);
        }
    }

    @Override
    public int pidfdOpen(long pid) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long fd = (long) syscall2.invokeExact(state, SYS_PIDFD_OPEN, pid, 0L);
            if (fd < 0) {
                throw new ErrnoException("pidfd_open", errno(state));
            }
            return (int) fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("pidfd_open", t);
        }
    }

    @Override
    public void pidfdSendSignal(int pidfd, int signal) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long r = (long) syscall4.invokeExact(
                    state, SYS_PIDFD_SEND_SIGNAL, (long) pidfd, (long) signal, MemorySegment.NULL, 0L);
            if (r < 0) {
                throw new ErrnoException("pidfd_send_signal", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("pidfd_send_signal", t);
        }
    }

    @Override
    public void prctl(int option, long arg2, long arg3) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) prctl.invokeExact(state, option, arg2, arg3, 0L, 0L) != 0) {
                throw new ErrnoException("prctl(" + option + ")", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("prctl", t);
        }
    }

    @Override
    public void kill(long pid, int signal) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) kill.invokeExact(state, (int) pid, signal) != 0) {
                throw new ErrnoException("kill", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("kill", t);
        }
    }

    @Override
    public int socket(int domain, int type, int protocol) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) socket.invokeExact(state, domain, type, protocol);
            if (fd < 0) {
                throw new ErrnoException("socket", errno(state));
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("socket", t);
        }
    }

    @Override
    public void setns(int fd, int nstype) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) setns.invokeExact(state, fd, nstype) != 0) {
                throw new ErrnoException("setns", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("setns", t);
        }
    }

    @Override
    public void sendDatagram(String target, byte[] payload) throws ErrnoException {
        byte[] name = target.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = target.startsWith("@");
        if (name.length == 0 || name.length >= SUN_PATH_MAX || !(abstractName || target.startsWith("/"))) {
            throw new ErrnoException("sendto " + target, ErrnoException.EINVAL);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment address = arena.allocate(2 + SUN_PATH_MAX);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, address, ValueLayout.JAVA_BYTE, 2, name.length);
            if (abstractName) {
                address.set(ValueLayout.JAVA_BYTE, 2, (byte) 0);
            }
            // An abstract name's length counts exactly its bytes; a path's includes its terminating NUL.
            int length = 2 + name.length + (abstractName ? 0 : 1);
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, payload);
            int fd = (int) socket.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new ErrnoException("socket(AF_UNIX, SOCK_DGRAM)", errno(state));
            }
            try {
                long sent = (long)
                        sendto.invokeExact(state, fd, data, (long) payload.length, MSG_NOSIGNAL, address, length);
                if (sent < 0) {
                    throw new ErrnoException("sendto " + target, errno(state));
                }
            } finally {
                close(fd);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("sendto", t);
        }
    }

    @Override
    public void syncAndReboot(int cmd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            sync.invokeExact();
            if ((int) reboot.invokeExact(state, cmd) != 0) {
                throw new ErrnoException("reboot", errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw broken("reboot", t);
        }
    }
}
