package dev.riposte.effect.os;

/**
 * What {@code statx(2)} says of an open file.
 *
 * @param mode the file type and permission bits ({@code st_mode})
 * @param device the device the file is on, as {@code major:minor}
 * @param mtimeSeconds the modification time, in seconds since the epoch
 */
public record FileStat(int mode, long nlink, int uid, String device, long inode, long size, long mtimeSeconds) {
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

    /** The same file as {@code other}: the same inode on the same device. */
    public boolean sameFile(FileStat other) {
        return inode == other.inode && device.equals(other.device);
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
