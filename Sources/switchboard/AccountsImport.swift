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
    @Flag(help: "Import credentials even when they are older than the stored ones (a spent refresh token, an older last_refresh).")
    var force = false

    func run() async throws {
        // Read every file first: a bad one stops the command before anything is written.
        let parsed = try files.map { path -> (String, CodexAuthFile) in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIFailure("\(path): cannot read the file (missing or not readable)")
            }
            do { return (path, try CodexAuthFile(data: data)) } catch { throw CLIFailure("\(path): \(error)") }
        }
        let store = try global.openStore()
        var keptNewer = 0
        for (path, file) in parsed {
            let result = try store.importAccount(file, force: force)
            let account = result.account
            let who = "\(account.id) \(account.email ?? "(no email)") (\(account.planType ?? "unknown plan"))"
            switch result {
            case .created: print("imported \(who) from \(path)")
            case .updated(_, let changed): print("updated \(who) from \(path)\(changed ? ": new credentials \(file.tokens.fingerprint.short)" : ": credentials unchanged")")
            case .keptNewer(_, let reason):
                keptNewer += 1
                printError("\(path): not imported for \(who): \(reason). The stored credentials are kept; nothing changed. Log in again for fresh credentials (`switchboard accounts login --account \(account.id)`), or pass --force to import these anyway")
                continue
            }
            guard case .deactivated(let code, _, _) = account.status else { continue }
            if reactivate {
                switch try store.apply(.reactivated(force: false), to: account.id).decision {
                case .change: print("reactivated \(account.id)")
                case .refused(let why): printError("not reactivated: \(why)")
                case .unchanged, .ignoredStale: break
                }
            } else {
                print("note: \(account.id) is deactivated (\(code)) and stays out of rotation; after checking the new login run `switchboard accounts reactivate \(account.id)` (or import with --reactivate)")
            }
        }
        if keptNewer > 0 { throw ExitCode(2) }
    }
}
