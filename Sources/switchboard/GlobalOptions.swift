import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (env SWITCHBOARD_DATA_DIR, default ~/.switchboard).")
    var dataDirectory: String?

    @Option(
        name: .customLong("database-url"),
        help: "A PostgreSQL shared by several instances, postgres://user[:password]@host[:port]/database (env SWITCHBOARD_DATABASE_URL; default: SQLite in the data directory).")
    var databaseURL: String?

    @Option(
        name: .customLong("env-file"),
        help: "A KEY=VALUE file of SWITCHBOARD_* settings (the service's EnvironmentFile); it overrides the environment, flags override it. `serve` re-reads it on SIGHUP.")
    var environmentFile: String?

    /// The process environment with the environment file's values on top.
    func environment() throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if let environmentFile { environment.merge(try EnvironmentFile.read(Configuration.expand(environmentFile))) { $1 } }
        return environment
    }

    /// Flag, else environment file, else environment, else default.
    func configuration() throws -> Configuration {
        var configuration = try Configuration(environment: try environment())
        if let dataDirectory { configuration.dataDirectory = Configuration.expand(dataDirectory) }
        if let databaseURL { configuration.databaseURL = DatabaseURL(databaseURL) }
        return configuration
    }

    func openStore() throws -> AccountStore {
        let configuration = try configuration()
        return try AccountStore.open(
            databaseURL: configuration.databaseURL?.text, dataDirectory: URL(fileURLWithPath: configuration.dataDirectory), keySource: configuration.keySource)
    }
}

/// An error the CLI reports as one line on stderr with exit code 1.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

extension Configuration {
    /// The key in the environment, if one was given; else the data directory's key file.
    var keySource: TokenCipher.KeySource? { encryptionKey.map { .environment($0.base64) } }
}
