import Foundation
import GRDB
import SwitchboardTestSupport
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// The backends the shared store tests run on: SQLite always, PostgreSQL when installed (always under CI).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var all: [StoreKind] {
        guard PostgresServer.shouldRun else {
            print("note: \(PostgresServer.unavailableReason ?? "")")
            return [.sqlite]
        }
        return allCases
    }
}

/// A throwaway data directory (and, for PostgreSQL, a fresh database) and auth files for store tests.
struct StoreFixture {
    let directory: URL
    var databaseURL: String?

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-store-\(UUID().uuidString)")
    }

    static func make(_ kind: StoreKind) async throws -> StoreFixture {
        var fixture = StoreFixture()
        if kind == .postgres { fixture.databaseURL = try await withPostgres { $0 } }
        return fixture
    }

    func open(key: TokenCipher.KeySource? = nil) throws -> AccountStore {
        try AccountStore.open(databaseURL: databaseURL, dataDirectory: directory, keySource: key)
    }

    static func jwt(_ payload: JSONValue) -> String {
        "eyJhbGciOiJub25lIn0.\(payload.encoded().base64URLEncodedString()).x"
    }

    static func authFile(account: String = "acct-1", user: String = "user-1", email: String = "a@example.com", refresh: String = "rt-secret-1", access: String? = nil, lastRefresh: Date? = nil) throws -> CodexAuthFile {
        let claims: JSONValue = [
            "email": .string(email), "exp": .number(Date().addingTimeInterval(3600).timeIntervalSince1970.rounded()),
            "https://api.openai.com/auth": ["chatgpt_account_id": .string(account), "chatgpt_user_id": .string(user), "chatgpt_plan_type": "plus"],
        ]
        let accessToken = access ?? jwt(claims.objectValue!.merging(["jti": .string("access-\(refresh)")]) { $1 }.json)
        let last = lastRefresh.map { #","last_refresh":"\#(ISO8601DateFormatter().string(from: $0))""# } ?? ""
        let text = #"{"tokens":{"id_token":"\#(jwt(claims))","access_token":"\#(accessToken)","refresh_token":"\#(refresh)","account_id":"\#(account)"}\#(last)}"#
        return try CodexAuthFile(data: Data(text.utf8))
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    var json: JSONValue { .object(self) }
}

extension AccountStore {
    /// The refresh token the account holds now: a verdict observed with it counts.
    func heldRefreshToken(_ id: String) throws -> ObservedCredential {
        .refreshToken(try account(id: id)!.tokens.fingerprint)
    }
}

extension AccountStore {
    /// The SQLite database under the store (the SQLite-only tests look at it).
    var pool: GRDB.DatabasePool { (backend as! SQLiteStore).pool }
}
