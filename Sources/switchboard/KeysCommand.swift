import ArgumentParser
import Foundation
import SwitchboardStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage client API keys (sent as `Authorization: Bearer sb-...`).",
        subcommands: [KeysCreate.self, KeysList.self, KeysRevoke.self])
}

struct KeysCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a key and print it once.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "A name to recognise the key by.") var name = "default"

    func run() async throws {
        let (key, record) = try global.openStore().createAPIKey(name: name)
        print(key)
        printError("created \(record.id) (\(record.name)); the key above is shown only now. Once a key exists, every client must send one.")
    }
}

struct KeysList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never the keys themselves).")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let keys = try global.openStore().apiKeys()
        guard !keys.isEmpty else { return print("no keys: the gateway serves loopback clients only") }
        let rows = keys.map { key in
            [key.id, key.name, key.prefix + "…", AccountPresentation.iso(key.createdAt), key.lastUsedAt.map(AccountPresentation.iso) ?? "-",
             key.revokedAt.map { "revoked " + AccountPresentation.iso($0) } ?? "active"]
        }
        print(AccountPresentation.render([["ID", "NAME", "PREFIX", "CREATED", "LAST USED", "STATE"]] + rows))
    }
}

struct KeysRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key (a running server stops accepting it within a second).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Key id or prefix.") var key: String

    func run() async throws {
        let record = try global.openStore().revokeAPIKey(key)
        print("revoked \(record.id) (\(record.name))")
    }
}
