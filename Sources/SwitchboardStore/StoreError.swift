import Foundation

/// What can go wrong in the store, worded for the operator. Never carries a token.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case ambiguous(String, matches: [String])
    case wrongKey
    case badKey(String)
    case encryption(String)
    case identityMismatch(expected: String, got: String)
    case backup(String)
    case backupKeyMismatch
    case inUse(String)
    case badDatabaseURL(String)
    case unreachable(String)
    case database(String)
    case sharedKeyMismatch(instance: String, database: String)

    public var description: String {
        switch self {
        case .notFound(let ref): "no account matches `\(ref)` (see `switchboard accounts list`)"
        case .ambiguous(let ref, let matches): "`\(ref)` matches several accounts (\(matches.joined(separator: ", "))); use the id"
        case .wrongKey: "the encryption key does not open this database's tokens (wrong \(TokenCipher.keyFileName) or \(TokenCipher.environmentVariable)); nothing was changed"
        case .badKey(let problem): problem
        case .encryption(let problem): "encryption failed: \(problem)"
        case .identityMismatch(let expected, let got): "the credentials belong to \(got), not to account \(expected); nothing was overwritten"
        case .backup(let problem): problem
        case .backupKeyMismatch:
            "the encryption key at hand (\(TokenCipher.keyFileName) or \(TokenCipher.environmentVariable)) does not open this backup's tokens; put the key the backup was made with in place first; nothing was changed"
        case .badDatabaseURL(let problem): "SWITCHBOARD_DATABASE_URL (or --database-url) is not valid: \(problem)"
        case .unreachable(let problem): problem
        case .database(let problem): "PostgreSQL: \(problem)"
        case .sharedKeyMismatch(let instance, let database):
            "this instance's encryption key (fingerprint \(instance)) is not the key the shared database was set up with (fingerprint \(database)): every instance must use the same \(TokenCipher.environmentVariable) (or \(TokenCipher.keyFileName)); refusing to start, nothing was changed"
        case .inUse(let path): "\(path) is in use by another process (a running `switchboard serve`?); stop it first (e.g. `systemctl stop switchboard`); nothing was changed"
        }
    }
}
