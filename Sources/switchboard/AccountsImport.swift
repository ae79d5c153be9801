import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

struct AccountsImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import Codex auth.json files (upsert by account and user id).")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "auth.json files to import.") var files: [String]
    @Flag(help: "Put a deactivated account back into rotation when its credentials changed.") var reactivate = false

    func run() async throws {
        // Read every file first: a bad one stops the command before anything is written.
        let parsed = try files.map { path -> (String, CodexAuthFile) in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIFailure("\(path): cannot read the file (missing or not readable)")
            }
            do { return (path, try CodexAuthFile(data: data)) } catch { throw CLIFailure("\(path): \(error)") }
        }
        let store = try global.openStore()
        for (path, file) in parsed {
            let result = try store.importAccount(file)
            let account = result.account
            let who = "\(account.id) \(account.email ?? "(no email)") (\(account.planType ?? "unknown plan"))"
            switch result {
            case .created: print("imported \(who) from \(path)")
            case .updated(_, let changed): print("updated \(who) from \(path)\(changed ? ": new credentials \(file.tokens.fingerprint.short)" : ": credentials unchanged")")
            }
            guard case .deactivated(let code, _, _) = account.status else { continue }
            if reactivate {
                switch try store.apply(.reactivated(force: false), to: account.id) {
                case .change: print("reactivated \(account.id)")
                case .refused(let why): printError("not reactivated: \(why)")
                case .unchanged: break
                }
            } else {
                print("note: \(account.id) is deactivated (\(code)) and stays out of rotation; after checking the new login run `switchboard accounts reactivate \(account.id)` (or import with --reactivate)")
            }
        }
    }
}
