import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the store to a file (mode 0600), also while the server runs.",
        discussion: """
            The copy comes from SQLite's online backup API. Its tokens stay encrypted with the store's key \
            (\(TokenCipher.keyFileName) in the data directory, or \(TokenCipher.environmentVariable)), which is not in the \
            backup: keep a copy of the key too, stored apart from the backups. Restore with `switchboard restore FILE`.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The file to write; it must not exist yet.") var out: String

    func run() async throws {
        let directory = try global.configuration().dataDirectory
        guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: directory).appendingPathComponent(AccountStore.fileName).path) else {
            throw CLIFailure("no store in \(directory) to back up")
        }
        let store = try global.openStore()
        let destination = URL(fileURLWithPath: Configuration.expand(out))
        try store.backup(to: destination)
        print("backed up \(try store.accounts().count) account(s) to \(destination.path) (mode 0600)")
        printError("its tokens open only with this store's key (\(try keyLocation(directory))): keep a copy of the key, apart from the backup")
    }

    private func keyLocation(_ directory: String) throws -> String {
        try global.configuration().encryptionKey == nil
            ? URL(fileURLWithPath: directory).appendingPathComponent(TokenCipher.keyFileName).path : TokenCipher.environmentVariable
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the store with a backup; refused while a server or another command has the store open.",
        discussion: """
            Stop the server first (`systemctl stop switchboard`). The key the backup was made with must be in place \
            (\(TokenCipher.keyFileName) in the data directory, or \(TokenCipher.environmentVariable)); the backup is checked \
            (integrity, schema, key) before anything changes. The replaced database is kept beside the new one as \
            \(AccountStore.fileName).pre-restore-TIME.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A file written by `switchboard backup`.") var file: String

    func run() async throws {
        let directory = URL(fileURLWithPath: try global.configuration().dataDirectory)
        let backup = URL(fileURLWithPath: Configuration.expand(file))
        let restored = try AccountStore.restore(from: backup, dataDirectory: directory, keySource: try global.configuration().keySource)
        print("restored \(restored.accounts) account(s) from \(backup.path) into \(directory.path)")
        if let previous = restored.previous { print("the replaced database is kept as \(previous.path)") }
    }
}
