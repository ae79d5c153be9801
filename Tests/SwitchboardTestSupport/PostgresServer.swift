import Foundation
import Synchronization

/// A throwaway PostgreSQL for the tests: `initdb` in a temporary folder (as the `postgres` user when
/// the tests run as root, since PostgreSQL refuses to run as root), started on a free loopback port,
/// no system service involved, stopped when the test process exits. One server per test process;
/// every `withPostgres` gets a database of its own on it.
public final class PostgresServer: Sendable {
    public let port: Int
    let directory: URL
    let binaries: URL

    /// Where Debian's `postgresql` package puts the server binaries (the newest major version), or nil.
    public static var binaries: URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = root.appendingPathComponent("\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        return nil
    }

    /// Why PostgreSQL tests cannot run here, or nil when they can. Under `CI` a missing server is a
    /// failure, not a skip (see `withPostgres`).
    public static var unavailableReason: String? {
        binaries == nil ? "PostgreSQL is not installed (run `make deps`, which installs Debian's postgresql): PostgreSQL tests skipped" : nil
    }

    /// True when the test should run: PostgreSQL is installed, or we are under CI (where its absence fails).
    public static var shouldRun: Bool { unavailableReason == nil || ProcessInfo.processInfo.environment["CI"] != nil }

    private init(port: Int, directory: URL, binaries: URL) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
    }

    private static let shared = Mutex<Result<PostgresServer, StartFailure>?>(nil)

    /// The process's server, started on first use (on a thread of its own: it blocks for a second or two).
    public static func shared() async throws -> PostgresServer {
        try await CLI.onOwnThread {
            try shared.withLock { started in
                if started == nil { started = Result { try start() }.mapError { StartFailure(description: "\($0)") } }
                return try started!.get()
            }
        }
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    private static func start() throws -> PostgresServer {
        guard let binaries else { throw StartFailure(description: unavailableReason!) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot { try run("/bin/chown", ["postgres:postgres", directory.path]) }
        let data = directory.appendingPathComponent("data").path
        try run(binaries.appendingPathComponent("initdb").path, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], asPostgres: asRoot)
        let port = try freePort()
        let options = "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        // The server must not inherit any descriptor of this process (a pipe another test reads to its
        // end would never close), so the start goes through a shell that closes everything above 2 first.
        let start = [binaries.appendingPathComponent("pg_ctl").path, "-D", data, "-o", options, "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "30", "start"]
        try run(
            "/bin/bash",
            ["-c", #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; exec "$@" >/dev/null 2>&1"#, "pg-start"] + start,
            asPostgres: asRoot, collectOutput: false)
        let server = PostgresServer(port: port, directory: directory, binaries: binaries)
        stopAtExit(data: data, pgCtl: binaries.appendingPathComponent("pg_ctl").path, asRoot: asRoot, directory: directory)
        return server
    }

    /// A new empty database on the server; its `postgres://` URL.
    public func createDatabase() async throws -> String {
        let name = "sb_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let createdb = binaries.appendingPathComponent("createdb").path
        let port = port
        try await CLI.onOwnThread { try Self.run(createdb, ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", name]) }
        return url(database: name)
    }

    public func url(database: String) -> String { "postgres://postgres@127.0.0.1:\(port)/\(database)" }

    // MARK: Processes

    private static func run(_ executable: String, _ arguments: [String], asPostgres: Bool = false, collectOutput: Bool = true) throws {
        let process = Process()
        if asPostgres {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", executable] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        let output = Pipe()
        process.standardOutput = collectOutput ? output : FileHandle.nullDevice
        process.standardError = collectOutput ? output : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        process.currentDirectoryURL = FileManager.default.temporaryDirectory
        try process.run()
        let text = collectOutput ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StartFailure(description: "\(URL(fileURLWithPath: executable).lastPathComponent) failed (\(process.terminationStatus)): \(String(decoding: text, as: UTF8.self))")
        }
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw StartFailure(description: "no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The server goes when the test process ends, however it ends (a crash or `kill -9` included): a
    /// watcher process waits for this one to be gone, then stops the server and removes its folder.
    private static func stopAtExit(data: String, pgCtl: String, asRoot: Bool, directory: URL) {
        let stop = asRoot ? "runuser -u postgres -- \"$1\" -D \"$2\" -m immediate -w stop" : "\"$1\" -D \"$2\" -m immediate -w stop"
        let script = #"for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; "#
            + "while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done; \(stop) >/dev/null 2>&1; rm -rf \"$3\""
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        watcher.arguments = ["/bin/bash", "-c", script, "pg-watch", pgCtl, data, directory.path]
        watcher.standardInput = FileHandle.nullDevice
        watcher.standardOutput = FileHandle.nullDevice
        watcher.standardError = FileHandle.nullDevice
        try? watcher.run()
    }
}

/// Runs `body` with the URL of a fresh database on the test PostgreSQL (started on first use). Tests
/// that need it are enabled by `PostgresServer.shouldRun`: skipped, saying why, only when PostgreSQL is
/// not installed and `CI` is unset; under `CI` a missing PostgreSQL fails them here.
public func withPostgres<T>(_ body: (String) async throws -> T) async throws -> T {
    let server = try await PostgresServer.shared()
    return try await body(try await server.createDatabase())
}
