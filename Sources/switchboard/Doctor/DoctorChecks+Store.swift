import Foundation
import SwitchboardCore
import SwitchboardGateway
import SwitchboardStore

extension DoctorChecks {
    /// Database, migrations, key, accounts and API keys: each needs the one before it.
    func storeFindings() -> [DoctorFinding] {
        if let url = configuration.databaseURL { return sharedStoreFindings(url) }
        let database = dataDirectory.appendingPathComponent(AccountStore.fileName).path
        let inspection: StoreInspection
        do {
            inspection = try AccountStore.inspect(dataDirectory: dataDirectory, keySource: configuration.keySource)
        } catch StoreError.notFound {
            return [.fail("database", "no database at \(database)", fix: "add an account: `switchboard accounts login\(suffix)` or `switchboard accounts import ~/.codex/auth.json\(suffix)`")]
        } catch {
            return [.fail("database", "\(database) does not open: \(error)", fix: "restore the last backup: `switchboard restore FILE\(suffix)`")]
        }
        switch inspection.migrations {
        case .newer(let unknown):
            return [.fail("database", "\(database) was migrated by a newer switchboard (\(unknown.joined(separator: ", ")))", fix: "install that newer switchboard (see `switchboard --version`)")]
        case .pending(let names):
            return [.warn("database", "\(database) opens; \(names.count) migration(s) not applied yet: \(names.joined(separator: ", "))", fix: "none needed: `switchboard serve` or any command (e.g. `switchboard accounts list\(suffix)`) applies them")]
        case .current:
            break
        }
        var findings: [DoctorFinding] = [.pass("database", "\(database) opens and is migrated")]
        switch inspection.key {
        case .fails(let problem):
            findings.append(.fail("encryption key", problem, fix: "put back the \(TokenCipher.keyFileName) the database was created with (keep it with your backups) or set \(TokenCipher.environmentVariable) to it"))
            return findings
        case .unused:
            findings.append(.pass("encryption key", "no token stored yet"))
        case .opens:
            findings.append(.pass("encryption key", "\(configuration.encryptionKey == nil ? TokenCipher.keyFileName : TokenCipher.environmentVariable) opens the stored tokens"))
        }
        findings += accountFindings(inspection.accounts)
        findings.append(clientKeys(active: inspection.activeAPIKeys))
        return findings
    }

    /// The PostgreSQL store shared by several instances: opening it checks the server, the schema and the key.
    func sharedStoreFindings(_ url: DatabaseURL) -> [DoctorFinding] {
        let store: AccountStore
        do {
            store = try AccountStore.open(databaseURL: url.text, dataDirectory: dataDirectory, keySource: configuration.keySource)
        } catch {
            return [.fail("database", "\(url) does not open: \(error)", fix: "check SWITCHBOARD_DATABASE_URL, that PostgreSQL answers, and that every instance has the same \(TokenCipher.environmentVariable)")]
        }
        do {
            let live = try store.liveMembers(within: configuration.heartbeatTimeout)
            var findings: [DoctorFinding] = [
                .pass("database", "\(url) opens and is migrated; \(live.count) instance(s) alive"),
                .pass("encryption key", "\(configuration.encryptionKey == nil ? TokenCipher.keyFileName : TokenCipher.environmentVariable) is the shared database's key"),
            ]
            findings += accountFindings(try store.accounts())
            findings.append(clientKeys(active: try store.apiKeys().filter { $0.revokedAt == nil }.count))
            return findings
        } catch {
            return [.fail("database", "\(url) does not answer: \(error)", fix: "check that PostgreSQL is up")]
        }
    }

    func accountFindings(_ accounts: [Account]) -> [DoctorFinding] {
        guard !accounts.isEmpty else {
            return [.fail("accounts", "the pool is empty: every request would get 503 no_accounts", fix: "`switchboard accounts login\(suffix)` (or `--device` on a headless box)")]
        }
        let iso = AccountPresentation.iso
        return accounts.map { account in
            let name = "account \(account.email ?? account.id)"
            let relogin = "`switchboard accounts login --account \(account.id)\(suffix)` (add `--device` on a headless box)"
            switch account.status {
            case .active:
                return .pass(name, "active")
            case .rateLimited(let resetsAt):
                return .pass(name, "rate-limited until \(iso(resetsAt)); back by itself")
            case .authRetrying(let since, let nextAt, let lastError):
                return .warn(name, "refresh failing since \(iso(since)) (\(lastError)); next try \(iso(nextAt))", fix: "it retries by itself for 24 h; if it stays, log in again: \(relogin)")
            case .cooling(let until, let reason):
                return .warn(name, "cooling down until \(iso(until)) (\(reason)); back by itself", fix: "if it keeps cooling down, log in again: \(relogin)")
            case .paused:
                return .warn(name, "paused by the operator", fix: "`switchboard accounts resume \(account.id)\(suffix)`")
            case .deactivated(let code, let reason, _):
                return .fail(name, "deactivated (\(code)): \(reason)", fix: "log in again: \(relogin)")
            }
        }
    }

    func clientKeys(active: Int) -> DoctorFinding {
        let host = configuration.host
        if ClientAccess.isLoopbackHost(host) {
            return .pass("client keys", "\(host) is loopback; \(active) API key(s)")
        }
        guard active > 0 else {
            return .fail("client keys", "\(host) is reachable from other machines and no API key exists: serve refuses to start", fix: "`switchboard keys create --name NAME\(suffix)`, then give the key to your clients")
        }
        return .pass("client keys", "\(active) API key(s) guard \(host)")
    }
}
