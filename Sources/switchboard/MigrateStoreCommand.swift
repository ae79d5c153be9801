import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy the SQLite pool into an empty PostgreSQL database, to run several instances on it.",
        discussion: """
            Stop `switchboard serve` first. Tokens move still encrypted: every instance on the database must then use \
            this store's key (\(TokenCipher.environmentVariable), or a copy of \(TokenCipher.keyFileName)). The SQLite \
            file is left as it was.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The PostgreSQL database to fill: postgres://user[:password]@host[:port]/database.") var to: String

    func run() async throws {
        let configuration = try global.configuration()
        let directory = URL(fileURLWithPath: configuration.dataDirectory)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(AccountStore.fileName).path) else {
            throw CLIFailure("no SQLite store in \(directory.path) to migrate")
        }
        let source = try AccountStore.open(dataDirectory: directory, keySource: configuration.keySource)
        let destination = try AccountStore.open(databaseURL: to, dataDirectory: directory, keySource: configuration.keySource)
        let copied = try StoreTransfer.copy(from: source, to: destination)
        for (table, rows) in copied { print("\(table): \(rows) row(s)") }
        print("migrated \(try destination.accounts().count) account(s) to \(DatabaseURL(to)); point every instance at it with SWITCHBOARD_DATABASE_URL")
    }
}
