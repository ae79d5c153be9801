import Crypto
import Foundation

/// Encrypts tokens at rest with AES-GCM. The key is 32 bytes from `SWITCHBOARD_ENCRYPTION_KEY`
/// (base64) or from `<data-dir>/secret.key` (created 0600 on first use).
public struct TokenCipher: Sendable {
    /// The raw key bytes; `SymmetricKey` is not `Sendable`, so one is made per use (cheap).
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public static let environmentVariable = "SWITCHBOARD_ENCRYPTION_KEY"
    public static let keyFileName = "secret.key"

    public init(key: SymmetricKey) { keyBytes = key.withUnsafeBytes { Data($0) } }

    /// Names the key without revealing it (an HMAC of a fixed text), so two instances can tell they hold the same one.
    public var fingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("switchboard key fingerprint".utf8), using: key)
        return mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public func seal(_ plaintext: String) throws -> Data {
        guard let combined = try AES.GCM.seal(Data(plaintext.utf8), using: key).combined else {
            throw StoreError.encryption("AES-GCM produced no combined box")
        }
        return combined
    }

    public func open(_ box: Data) throws -> String {
        do {
            let plaintext = try AES.GCM.open(try AES.GCM.SealedBox(combined: box), using: key)
            return String(decoding: plaintext, as: UTF8.self)
        } catch {
            throw StoreError.wrongKey
        }
    }

    /// Where the key comes from, decided once at start.
    public enum KeySource: Sendable, Equatable {
        case environment(String)
        case file(URL)

        /// The key given (`SWITCHBOARD_ENCRYPTION_KEY`), else `<data-dir>/secret.key`: the one rule every opener follows.
        public static func resolve(_ given: KeySource?, dataDirectory: URL) -> KeySource {
            given ?? .file(dataDirectory.appendingPathComponent(TokenCipher.keyFileName))
        }
    }

    /// Loads the key; creates the key file only when `mayCreate` (a database that holds no tokens yet).
    static func load(from source: KeySource, mayCreate: Bool) throws -> TokenCipher {
        switch source {
        case .environment(let text):
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
                throw StoreError.badKey("\(environmentVariable) must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)")
            }
            return TokenCipher(key: SymmetricKey(data: data))
        case .file(let url):
            if FileManager.default.fileExists(atPath: url.path) {
                try refuseIfExposed(url)
                // A new (or emptied) database beside an existing key: the database was lost or replaced,
                // and opening it would silently show an empty pool.
                guard !mayCreate else {
                    throw StoreError.badKey("\(url.path) exists but the database beside it holds no accounts encrypted with it: the database was deleted, emptied or replaced. Restore switchboard.sqlite from a backup, or, to start with an empty pool, move \(url.lastPathComponent) away")
                }
            }
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
                    throw StoreError.badKey("\(url.path) does not hold a 32-byte base64 key")
                }
                return TokenCipher(key: SymmetricKey(data: data))
            }
            guard mayCreate else {
                throw StoreError.badKey("\(url.path) is missing, but the database holds tokens encrypted with it; restore the file or set \(environmentVariable)")
            }
            let key = SymmetricKey(size: .bits256)
            let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
            guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.badKey("cannot create \(url.path)")
            }
            return TokenCipher(key: key)
        }
    }

    /// A key others can read may already have been copied: refused rather than quietly tightened, so
    /// whoever runs the gateway learns of it (as ssh does with a private key).
    static func refuseIfExposed(_ url: URL) throws {
        let mode = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.posixPermissions] as? NSNumber)?.intValue ?? 0o600
        guard mode & 0o077 == 0 else {
            throw StoreError.badKey("\(url.path) has mode \(String(mode & 0o777, radix: 8)): other users can read the key to your tokens. Run `chmod 600 \(url.path)`; if others may have read it, also log in to every account again")
        }
    }
}
