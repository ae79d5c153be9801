import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage client API keys (sent as `Authorization: Bearer sb-...`).",
        subcommands: [KeysCreate.self, KeysList.self, KeysLimit.self, KeysRevoke.self])
}

struct KeysCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a key and print it once.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "A name to recognise the key by.") var name = "default"
    @OptionGroup var limits: KeyLimitOptions

    func run() async throws {
        var keyLimits = KeyLimits()
        limits.apply(to: &keyLimits)
        let (key, record) = try global.openStore().createAPIKey(name: name, limits: keyLimits)
        print(key)
        printError("created \(record.id) (\(record.name)); the key above is shown only now. Once a key exists, every client must send one.")
    }
}

struct KeysList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never the keys themselves).")
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let store = try global.openStore()
        let keys = try store.apiKeys()
        guard !keys.isEmpty else { return print("no keys: the gateway serves loopback clients only") }
        let use = try KeyUsePresentation.use(store)
        let rows = keys.map { key in
            [key.id, key.name, key.prefix + "…", AccountPresentation.iso(key.createdAt), key.lastUsedAt.map(AccountPresentation.iso) ?? "-",
             key.revokedAt.map { "revoked " + AccountPresentation.iso($0) } ?? "active",
             KeyUsePresentation.against(use.today[key.id]?.tokens ?? 0, key.limits.tokensPerDay),
             KeyUsePresentation.against(use.lastMinute[key.id] ?? 0, key.limits.requestsPerMinute),
             key.limits.models?.joined(separator: ",") ?? "all"]
        }
        let header = ["ID", "NAME", "PREFIX", "CREATED", "LAST USED", "STATE", "TOKENS TODAY", "REQUESTS/MIN", "MODELS"]
        print(AccountPresentation.render([header] + rows))
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
