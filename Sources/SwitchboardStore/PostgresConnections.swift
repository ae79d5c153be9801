import Foundation
import GRDB
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Connections to one PostgreSQL, used synchronously like GRDB's pool: the store's callers are
/// synchronous, so each statement waits on its future. The connections run on an event loop of their
/// own (one for the process), which no caller runs on, so waiting never blocks the loop it waits for.
final class PostgresConnections: Sendable {
    let configuration: PostgresConnection.Configuration
    /// Where the database is, for messages (never the password).
    let location: String
    private static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(0)
    private let logger: Logger
    private static let maxIdle = 8

    init(url: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty
        else {
            throw StoreError.badDatabaseURL("expected postgres://user[:password]@host[:port]/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: .disable)
        location = "\(host):\(components.port ?? 5432)/\(database)"
        var logger = Logger(label: "switchboard.postgres")
        logger.logLevel = .critical
        self.logger = logger
    }

    deinit {
        for connection in idle.withLock({ $0 }) { _ = Self.close(connection) }
    }

    /// A connection must outlive its close (PostgresNIO insists), so the future keeps it.
    static func close(_ connection: PostgresConnection) -> EventLoopFuture<Void> {
        connection.close().always { _ in withExtendedLifetime(connection) {} }
    }

    /// A session on one connection (not a transaction; see `transaction`).
    func session<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? connect()
        defer {
            if !connection.isClosed {
                let kept = idle.withLock { connections -> Bool in
                    guard connections.count < Self.maxIdle else { return false }
                    connections.append(connection)
                    return true
                }
                if !kept { _ = Self.close(connection) }
            }
        }
        return try body(PostgresSession(connection: connection, logger: logger))
    }

    /// `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try session { session in
            try session.execute("BEGIN")
            do {
                let result = try body(session)
                try session.execute("COMMIT")
                return result
            } catch {
                _ = try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// A connection of its own, not from the shared ones (the change listener keeps it).
    func dedicated() throws -> PostgresSession {
        PostgresSession(connection: try connect(), logger: logger)
    }

    private func connect() throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(
                on: Self.group.next(), configuration: configuration, id: nextID.add(1, ordering: .relaxed).newValue, logger: logger
            ).wait()
        } catch {
            throw StoreError.unreachable("cannot connect to PostgreSQL at \(location): \(PostgresSession.describe(error))")
        }
    }
}

/// Statements on one connection, written as for SQLite: `?` (or `?N`) placeholders, GRDB values as
/// arguments, rows back as GRDB rows, so the row decoding is the SQLite store's own.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs one statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> [Row] {
        try run(sql, arguments).rows.map(Self.row)
    }

    func row(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> Row? {
        try rows(sql, arguments).first
    }

    /// Several statements (a migration), one after the other.
    func script(_ sql: String) throws {
        for statement in Self.statements(sql) { try execute(statement) }
    }

    /// The statements of a script: split at `;` outside quotes, `$$` bodies and `--` comments.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var (quoted, dollar, comment) = (false, false, false)
        var previous: Character = " "
        for character in sql {
            defer { previous = character }
            if comment {
                if character == "\n" { comment = false; current.append(character) }
                continue
            }
            if !quoted, !dollar, character == "-", previous == "-" { current.removeLast(); comment = true; continue }
            if !dollar, character == "'" { quoted.toggle() }
            if !quoted, character == "$", previous == "$" { dollar.toggle() }
            if character == ";", !quoted, !dollar {
                statements.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    func close() { _ = PostgresConnections.close(connection) }

    private func run(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument?.databaseValue.storage ?? .null {
            case .null: binds.appendNull()
            case .int64(let value): binds.append(Int(value))
            case .double(let value): binds.append(value)
            case .string(let value): binds.append(value)
            case .blob(let value): binds.append(ByteBuffer(bytes: value))
            }
        }
        do {
            return try connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds), logger: logger).wait()
        } catch {
            throw StoreError.database(Self.describe(error))
        }
    }

    /// The server's message and code, never the statement's arguments (sealed tokens among them).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return "\(message) (\(error.serverInfo?[.sqlState] ?? "?"))" }
        return "\(error.code)"
    }

    /// `?` and `?N` placeholders as PostgreSQL's `$N` (outside quoted text).
    static func numbered(_ sql: String) -> String {
        var result = ""
        var count = 0
        var quoted = false
        var characters = sql.makeIterator()
        var pending = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "'" { quoted.toggle() }
            guard character == "?", !quoted else { result.append(character); continue }
            var digits = ""
            while let next = pending, next.isASCII, next.isNumber { digits.append(next); pending = characters.next() }
            if digits.isEmpty { count += 1; digits = String(count) }
            result += "$" + digits
        }
        return result
    }

    /// A PostgreSQL row as a GRDB row, by column type.
    private static func row(_ row: PostgresRow) -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            guard cell.bytes != nil else { values[cell.columnName] = nil as DatabaseValue?; continue }
            switch cell.dataType {
            case .int2, .int4, .int8: values[cell.columnName] = try? cell.decode(Int.self)
            case .float4, .float8: values[cell.columnName] = try? cell.decode(Double.self)
            case .bool: values[cell.columnName] = try? cell.decode(Bool.self)
            case .bytea: values[cell.columnName] = (try? cell.decode(ByteBuffer.self)).map { Data($0.readableBytesView) }
            default: values[cell.columnName] = try? cell.decode(String.self)
            }
        }
        return Row(values)
    }
}
