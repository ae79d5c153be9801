import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (env SWITCHBOARD_DATA_DIR, default ~/.switchboard).")
    var dataDirectory: String?

    /// Flag, else environment, else default.
    func configuration() throws -> Configuration {
        var configuration = try Configuration(environment: ProcessInfo.processInfo.environment)
        if let dataDirectory { configuration.dataDirectory = Configuration.expand(dataDirectory) }
        return configuration
    }

    func openStore() throws -> AccountStore {
        let configuration = try configuration()
        return try AccountStore.open(
            dataDirectory: URL(fileURLWithPath: configuration.dataDirectory), keySource: configuration.encryptionKey.map { .environment($0.base64) })
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
