import Foundation
import SwitchboardTestSupport
import MockUpstream
import Synchronization
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardUpstream

/// `switchboard backup` / `restore`: a consistent copy taken while a server is serving, restored elsewhere.
@Suite struct BackupRestoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-backup-\(UUID().uuidString)")

    func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
    }

    func accounts(in directory: URL) async throws -> [JSONValue] {
        let result = try await CLI.run(["accounts", "list", "--json"], dataDirectory: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return JSONValue(parsing: Data(result.stdout.utf8))?.arrayValue ?? []
    }

    @Test func aBackupTakenWhileServingRestoresElsewhereAndRestoreRefusesAStoreInUse() async throws {
        try await withMockUpstream { mock in
            var tokens: [String] = []
            for email in ["one@example.com", "two@example.com"] {
                let file = try mock.createAccount(email: email)
                tokens += [file.tokens.refreshToken, file.tokens.accessToken]
                let auth = temporary("auth")
                try JSONEncoder().encode(file).write(to: auth)
                #expect(try await CLI.run(["accounts", "import", auth.path], dataDirectory: directory).status == 0)
            }
            try await ServeProcess.with( dataDirectory: directory, environment: ["SWITCHBOARD_UPSTREAM_BASE_URL": mock.upstreamBaseURL, "SWITCHBOARD_AUTH_BASE_URL": mock.baseURL]) { server in

                // Requests keep the server writing (usage, key use, audit) while the backup runs.
                let backupDone = DoneFlag()
                let traffic = Task {
                    var served = 0
                    while !backupDone.value.load(ordering: .relaxed) || served == 0 {
                        let request = UpstreamRequest(
                            method: "POST", url: server.baseURL + "/v1/responses", headers: [HTTPHeader("Content-Type", "application/json")],
                            body: Array(#"{"model":"gpt-5","input":"hi"}"#.utf8), timeouts: .total(.seconds(10)))
                        if case .http(200, _) = await GatewayHarness.transport.outcome(of: request) { served += 1 }
                    }
                    return served
                }
                let backup = temporary("switchboard-backup").appendingPathExtension("sqlite")
                let made = try await CLI.run(["backup", "--out", backup.path], dataDirectory: directory)
                backupDone.value.store(true, ordering: .relaxed)
                #expect(await traffic.value > 0, "the server was serving during the backup")
                #expect(made.status == 0, "\(made.stderr)")
                #expect(made.stdout.contains("backed up 2 account(s)"))
                #expect(made.stderr.contains(TokenCipher.keyFileName), "the output must say the key is needed")
                #expect(try FileManager.default.attributesOfItem(atPath: backup.path)[.posixPermissions] as? Int == 0o600)
                #expect(!FileManager.default.fileExists(atPath: backup.path + "-wal"), "a backup is one file")
                let bytes = try Data(contentsOf: backup)
                for token in tokens { #expect(bytes.range(of: Data(token.utf8)) == nil, "a token is in the backup in plain text") }
                #expect(try await CLI.run(["backup", "--out", backup.path], dataDirectory: directory).status == 1, "an existing file is never overwritten")

                // The served store is in use: restore refuses and changes nothing.
                let refused = try await CLI.run(["restore", backup.path], dataDirectory: directory)
                #expect(refused.status == 1)
                #expect(refused.stderr.contains("in use"), "\(refused.stderr)")

                // Elsewhere, with the key: the same accounts.
                let elsewhere = temporary("switchboard-restored")
                try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: directory.appendingPathComponent(TokenCipher.keyFileName), to: elsewhere.appendingPathComponent(TokenCipher.keyFileName))
                let restored = try await CLI.run(["restore", backup.path], dataDirectory: elsewhere)
                #expect(restored.status == 0, "\(restored.stderr)")
                #expect(restored.stdout.contains("restored 2 account(s)"))
                let original = try await accounts(in: directory)
                let copy = try await accounts(in: elsewhere)
                #expect(Set(copy.compactMap { $0["id"]?.stringValue }) == Set(original.compactMap { $0["id"]?.stringValue }))
                #expect(Set(copy.compactMap { $0["credential_fingerprint"]?.stringValue }) == Set(original.compactMap { $0["credential_fingerprint"]?.stringValue }))

                // Once the server has stopped, the original store can be replaced; the old one is kept.
                await server.stop()
                let replaced = try await CLI.run(["restore", backup.path], dataDirectory: directory)
                #expect(replaced.status == 0, "\(replaced.stderr)")
                #expect(replaced.stdout.contains("kept as"))
                let kept = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(AccountStore.fileName + ".pre-restore-") }
                #expect(kept.count == 1)
                #expect(try await accounts(in: directory).count == 2)
            }
        }
    }

    @Test func restoreRefusesABackupItsKeyCannotOpenAndWritesNothing() async throws {
        let mock = MockUpstream()
        let auth = temporary("auth")
        try JSONEncoder().encode(try mock.createAccount(email: "one@example.com")).write(to: auth)
        #expect(try await CLI.run(["accounts", "import", auth.path], dataDirectory: directory).status == 0)
        let backup = temporary("switchboard-backup")
        #expect(try await CLI.run(["backup", "--out", backup.path], dataDirectory: directory).status == 0)

        let noKey = temporary("switchboard-nokey")
        let missing = try await CLI.run(["restore", backup.path], dataDirectory: noKey)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains(TokenCipher.keyFileName), "\(missing.stderr)")

        let otherKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let wrong = try await CLI.run(["restore", backup.path], dataDirectory: noKey, environment: [TokenCipher.environmentVariable: otherKey])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("does not open this backup"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: noKey.appendingPathComponent(AccountStore.fileName).path))

        let notABackup = temporary("not-a-backup")
        try Data("hello".utf8).write(to: notABackup)
        let junk = try await CLI.run(["restore", notABackup.path], dataDirectory: noKey)
        #expect(junk.status == 1)
        #expect(!FileManager.default.fileExists(atPath: noKey.appendingPathComponent(AccountStore.fileName).path))
    }
}

private final class DoneFlag: Sendable {
    let value = Atomic(false)
}
