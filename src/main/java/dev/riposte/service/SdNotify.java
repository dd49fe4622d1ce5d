package dev.riposte.service;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * Sends one datagram (sd_notify, or a journald native-protocol entry) ({@code AF_UNIX}, {@code SOCK_DGRAM}) to the socket systemd names in
 * {@code NOTIFY_SOCKET}: a path, or an abstract name written with a leading {@code @}. The JDK has no
 * Unix datagram sockets, so this goes through the FFM API to libc. Thread-safe (stateless).
 */
final class SdNotify {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sockaddr_un: sa_family_t then 108 bytes of path. */
    private static final int SUN_PATH_MAX = 108;
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET;
    private static final MethodHandle SENDTO;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SOCKET = linker.downcallHandle(libc.find("socket").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), errno);
        SENDTO = linker.downcallHandle(libc.find("sendto").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT), errno);
        CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private SdNotify() {}

    static void send(String socket, String message) throws IOException {
        send(socket, message.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code payload} as one datagram to {@code socket} (a path, or {@code @name} for an abstract socket). */
    static void send(String socket, byte[] payload) throws IOException {
        byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = socket.startsWith("@");
        if (name.length == 0 || name.length >= SUN_PATH_MAX || !(abstractName || socket.startsWith("/"))) {
            throw new IOException("NOTIFY_SOCKET is not an absolute path or an @abstract name: " + socket);
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
            int fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed with errno " + (int) ERRNO.get(state, 0L));
            }
            try {
                long sent = (long) SENDTO.invokeExact(state, fd, data, (long) payload.length, MSG_NOSIGNAL, address, length);
                if (sent < 0) {
                    throw new IOException("sendto " + socket + " failed with errno " + (int) ERRNO.get(state, 0L));
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("sd_notify could not be called: " + t, t);
        }
    }
}
