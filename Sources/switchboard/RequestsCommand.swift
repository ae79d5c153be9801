import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

struct RequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "requests", abstract: "Show the request log, newest first.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "How far back: 90s, 30m, 1h, 7d.") var since = TimeSpan(argument: "1h")!
    @Option(help: "Only requests served by this account (id or email).") var account: String?
    @Option(help: "Only requests made with this API key (id or prefix).") var key: String?
    @Flag(help: "Only failed requests (status >= 400 or an error code).") var errors = false
    @Option(help: "At most this many rows.") var limit = 100
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        let store = try global.openStore()
        let filter = RequestFilter(
            since: since.start(), accountID: account.map { RequestPresentation.accountID(store, $0) },
            keyID: key.map { RequestPresentation.keyID(store, $0) }, errorsOnly: errors, limit: limit)
        let rows = try store.requests(filter)
        if json {
            AccountPresentation.printJSON(.array(rows.map(RequestPresentation.json)))
        } else if rows.isEmpty {
            print("no requests in the last \(Int(since.seconds)) s")
        } else {
            print(RequestPresentation.table(rows))
        }
    }
}

struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "usage", abstract: "Sum requests and tokens from the request log.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "How far back: 90s, 30m, 1h, 7d.") var since = TimeSpan(argument: "24h")!
    @Option(help: "Group by account, key, model or day.") var by: UsageGrouping = .account
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        let totals = try global.openStore().usage(since: since.start(), by: by)
        if json {
            AccountPresentation.printJSON(.array(totals.map { RequestPresentation.json($0, by: by) }))
        } else if totals.isEmpty {
            print("no requests in the last \(Int(since.seconds)) s")
        } else {
            print(RequestPresentation.table(totals, by: by))
        }
    }
}

extension UsageGrouping: ExpressibleByArgument {}
