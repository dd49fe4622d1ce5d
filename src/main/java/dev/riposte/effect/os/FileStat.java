package dev.riposte.effect.os;

/**
 * What {@code statx(2)} says of an open file.
 *
 * @param mode the file type and permission bits ({@code st_mode})
 * @param device the device the file is on, encoded as {@code st_dev} is (the JDK's {@code unix:dev})
 * @param mtimeSeconds the modification time, in seconds since the epoch
 */
public record FileStat(int mode, long nlink, int uid, long device, long inode, long size, long mtimeSeconds) {
    public static final int S_IFMT = 0170000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;

    public boolean isRegular() {
        return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** The same file as {@code other}: the same inode on the same device. */
    public boolean sameFile(FileStat other) {
        return inode == other.inode && device == other.device;
    }

    /** glibc's {@code makedev}: how {@code st_dev} encodes a major and minor number. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32)
                | ((major & 0xfffL) << 8)
                | ((minor & 0xffffff00L) << 12)
                | (minor & 0xffL);
    }

    /** What kind of file this is, in words ("a FIFO", "a character device", ...). */
    public String kind() {
        return switch (mode & S_IFMT) {
            case S_IFREG -> "a regular file";
            case S_IFDIR -> "a directory";
            case S_IFCHR -> "a character device";
            case S_IFBLK -> "a block device";
            case S_IFIFO -> "a FIFO";
            case S_IFSOCK -> "a socket";
            case S_IFLNK -> "a symbolic link";
            default -> "a file of unknown type";
        };
    }
}
