import ArgumentParser
import SwitchboardCore

struct AccountsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts and their status.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        let accounts = try global.openStore().accounts()
        if json {
            AccountPresentation.printJSON(.array(accounts.map(AccountPresentation.json)))
        } else if accounts.isEmpty {
            print("no accounts; add one with `switchboard accounts import ~/.codex/auth.json`")
        } else {
            print(AccountPresentation.table(accounts))
        }
    }
}

struct AccountsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one account with its audit history.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Account id or email.") var account: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let store = try global.openStore()
        let found = try store.find(account)
        let history = try store.events(accountID: found.id)
        if json {
            var object = AccountPresentation.json(found).objectValue ?? [:]
            object["history"] = .array(history.map(AccountPresentation.eventJSON))
            AccountPresentation.printJSON(.object(object))
        } else {
            let details = AccountPresentation.json(found).objectValue ?? [:]
            for key in details.keys.sorted() {
                let value = details[key]!
                print("\(key): \(value.stringValue ?? (value.isNull ? "-" : String(decoding: value.encoded(), as: UTF8.self)))")
            }
            print("\nhistory:\n" + AccountPresentation.events(history))
        }
    }
}

struct AccountsHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Print an account's status transitions and their causes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Account id or email.") var account: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let store = try global.openStore()
        let history = try store.events(accountID: try store.find(account).id)
        if json { AccountPresentation.printJSON(.array(history.map(AccountPresentation.eventJSON))) } else { print(AccountPresentation.events(history)) }
    }
}
