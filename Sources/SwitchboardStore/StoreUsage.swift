import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells whether another process has the database open. Every SQLite connection to a WAL database holds a
/// shared lock on the "DMS" byte of its `-shm` file for as long as it is open (see sqlite.org/walformat.html,
/// "the DMS lock"); `F_GETLK` asks whether someone else holds it without taking or changing any lock.
/// Call it before this process opens the database itself: closing any descriptor of a file drops all of this
/// process's POSIX locks on it, which would pull the rug from under its own SQLite connections.
enum StoreUsage {
    /// Offset of the DMS lock byte in the `-shm` file (`UNIX_SHM_DMS` in SQLite's os_unix.c).
    private static let dmsOffset: off_t = 128

    static func isOpenElsewhere(database: URL) -> Bool {
        let shm = database.path + "-shm"
        let descriptor = open(shm, O_RDONLY)
        guard descriptor >= 0 else { return false }  // no -shm: nobody has it open in WAL mode
        defer { close(descriptor) }
        var query = flock()
        query.l_type = Int16(F_WRLCK)
        query.l_whence = Int16(SEEK_SET)
        query.l_start = dmsOffset
        query.l_len = 1
        guard fcntl(descriptor, F_GETLK, &query) == 0 else { return false }
        return query.l_type != Int16(F_UNLCK)
    }
}
