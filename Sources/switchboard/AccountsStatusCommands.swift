import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// Applies an operator event through `Lifecycle` and reports what happened.
func applyOperatorEvent(_ event: LifecycleEvent, reference: String, global: GlobalOptions, done: String) throws {
    let store = try global.openStore()
    let account = try store.find(reference)
    switch try store.apply(event, to: account.id).decision {
    case .change(let transition): print("\(account.id) \(done) (\(transition.from.name.rawValue) → \(transition.to.name.rawValue))")
    case .unchanged, .ignoredStale: print("\(account.id) unchanged (\(account.status.name.rawValue))")
    case .refused(let why): throw CLIFailure(why)
    }
}

struct AccountsPause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Take an account out of rotation.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Account id or email.") var account: String
    func run() async throws { try applyOperatorEvent(.paused, reference: account, global: global, done: "paused") }
}

struct AccountsResume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Put a paused account back into rotation.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Account id or email.") var account: String
    func run() async throws { try applyOperatorEvent(.resumed, reference: account, global: global, done: "resumed") }
}

struct AccountsRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Delete an account (its audit history is kept).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Account id or email.") var account: String
    func run() async throws {
        let store = try global.openStore()
        let found = try store.find(account)
        try store.remove(id: found.id)
        print("removed \(found.id) \(found.email ?? "")")
    }
}

struct AccountsExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write a Codex-compatible auth.json for an account (mode 0600).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Account id or email.") var account: String
    @Option(help: "Output file (required: tokens are never printed).") var out: String

    func run() async throws {
        let found = try global.openStore().find(account)
        let url = URL(fileURLWithPath: out)
        try? FileManager.default.removeItem(at: url)
        guard FileManager.default.createFile(atPath: url.path, contents: CodexAuthFile.encode(found), attributes: [.posixPermissions: 0o600]) else {
            throw CLIFailure("\(out): cannot write the file")
        }
        print("wrote \(out) for \(found.id) (credential \(found.tokens.fingerprint.short))")
    }
}

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Print the audit log of status transitions.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only events at or after this time (ISO 8601) or this many seconds/minutes/hours/days ago (e.g. 90s, 30m, 2h, 1d).")
    var since: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let cutoff = try since.map { text -> Date in
            guard let date = EventsCommand.parseSince(text, now: Date()) else { throw CLIFailure("--since \(text): expected ISO 8601 or a duration like 30m") }
            return date
        }
        let entries = try global.openStore().events(since: cutoff)
        if json { AccountPresentation.printJSON(.array(entries.map(AccountPresentation.eventJSON))) } else { print(AccountPresentation.events(entries)) }
    }

    static func parseSince(_ text: String, now: Date) -> Date? {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()) else { return nil }
        return now.addingTimeInterval(-amount * unit)
    }
}
