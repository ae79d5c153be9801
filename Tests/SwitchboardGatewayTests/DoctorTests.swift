import Foundation
import SwitchboardTestSupport
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardStore

/// `switchboard doctor` on a healthy installation and on one misconfigured in every way it checks.
@Suite struct DoctorTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-doctor-\(UUID().uuidString)")

    func importAccounts(_ mock: MockUpstream, _ emails: String...) async throws {
        for email in emails {
            let auth = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).json")
            try JSONEncoder().encode(try mock.createAccount(email: email)).write(to: auth)
            let imported = try await CLI.run(["accounts", "import", auth.path], dataDirectory: directory)
            #expect(imported.status == 0, "\(imported.stderr)")
        }
    }

    func doctor(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32, checks: [String: JSONValue], text: String) {
        let result = try await CLI.run(["doctor", "--json"] + arguments, dataDirectory: directory, environment: environment)
        let report = try #require(JSONValue(parsing: Data(result.stdout.utf8)), "doctor printed no JSON: \(result.stdout) \(result.stderr)")
        var checks: [String: JSONValue] = [:]
        for check in report["checks"]?.arrayValue ?? [] { checks[check["check"]?.stringValue ?? ""] = check }
        #expect(report["ok"]?.boolValue == (result.status == 0))
        return (result.status, checks, result.stdout)
    }

    @Test func aHealthyInstallationPassesEveryCheckAndExitsZero() async throws {
        try await withMockUpstream { mock in
            try await importAccounts(mock, "one@example.com")
            let environment = ["SWITCHBOARD_UPSTREAM_BASE_URL": mock.upstreamBaseURL, "SWITCHBOARD_AUTH_BASE_URL": mock.baseURL, "SWITCHBOARD_USAGE_INTERVAL": "3600"]
            try await ServeProcess.with(dataDirectory: directory, environment: environment) { server in

                let (status, checks, _) = try await doctor(["--port", "\(server.port)"], environment: environment)
                #expect(status == 0)
                for name in ["data directory", "file modes", "database", "encryption key", "account one@example.com", "client keys", "upstream", "auth server", "port"] {
                    #expect(checks[name]?["status"] == "pass", "\(name): \(String(describing: checks[name]))")
                }
                #expect(checks["port"]?["detail"]?.stringValue?.contains("held by a running switchboard") == true)

                let text = try await CLI.run(["doctor", "--offline", "--port", "\(server.port)"], dataDirectory: directory, environment: environment)
                #expect(text.status == 0)
                #expect(text.stdout.contains("SKIP  upstream"))
                #expect(text.stdout.contains("no problems found"))
            }
        }
    }

    @Test func eachMisconfigurationFailsWithItsFixAndANonZeroExit() async throws {
        try await withMockUpstream { mock in
            try await importAccounts(mock, "alive@example.com", "dead@example.com")
            let dead = try AccountStore.open(dataDirectory: directory).find("dead@example.com")
            try AccountStore.open(dataDirectory: directory).apply(
                .failed(.permanent(code: "refresh_token_reused", message: "reused"), at: .token, source: .refresh, accessTokenValid: false, observedWith: .refreshToken(dead.tokens.fingerprint)), to: dead.id)
            let database = directory.appendingPathComponent(AccountStore.fileName).path
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database)
            let mockPort = try #require(URL(string: mock.baseURL)?.port)  // a port held by something that is not switchboard
            let environment = [
                "SWITCHBOARD_HOST": "0.0.0.0", "SWITCHBOARD_UPSTREAM_BASE_URL": "http://127.0.0.1:1/backend-api", "SWITCHBOARD_AUTH_BASE_URL": mock.baseURL,
            ]

            let (status, checks, _) = try await doctor(["--port", "\(mockPort)"], environment: environment)
            #expect(status == 1)
            func expectFailure(_ name: String, fix: String) {
                #expect(checks[name]?["status"] == "fail", "\(name): \(String(describing: checks[name]))")
                #expect(checks[name]?["fix"]?.stringValue?.contains(fix) == true, "\(name): \(String(describing: checks[name]))")
            }
            expectFailure("data directory", fix: "chmod 700 \(directory.path)")
            expectFailure("file modes", fix: "chmod 600 \(database)")
            expectFailure("account dead@example.com", fix: "switchboard accounts login --account \(dead.id) --data-dir \(directory.path)")
            #expect(checks["account dead@example.com"]?["detail"]?.stringValue?.contains("refresh_token_reused") == true)
            #expect(checks["account alive@example.com"]?["status"] == "pass")
            expectFailure("client keys", fix: "switchboard keys create")
            expectFailure("upstream", fix: "SWITCHBOARD_UPSTREAM_BASE_URL")
            #expect(checks["auth server"]?["status"] == "pass", "\(String(describing: checks["auth server"]))")
            expectFailure("port", fix: "SWITCHBOARD_PORT")

            let text = try await CLI.run(["doctor", "--offline"], dataDirectory: directory, environment: environment)
            #expect(text.status == 1)
            #expect(text.stdout.contains("FAIL  account dead@example.com: deactivated (refresh_token_reused)"))
            #expect(text.stdout.contains("      fix: log in again: `switchboard accounts login --account \(dead.id)"))
            #expect(text.stdout.contains("problems found"))
        }
    }

    @Test func aWrongKeyOrAMissingStoreFailsWithTheFix() async throws {
        let mock = MockUpstream()
        try await importAccounts(mock, "one@example.com")
        let wrongKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let (status, checks, _) = try await doctor(["--offline"], environment: [TokenCipher.environmentVariable: wrongKey])
        #expect(status == 1)
        #expect(checks["encryption key"]?["status"] == "fail")
        #expect(checks["encryption key"]?["fix"]?.stringValue?.contains(TokenCipher.keyFileName) == true)
        #expect(checks["database"]?["status"] == "pass")

        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-doctor-missing-\(UUID().uuidString)")
        let missing = try await CLI.run(["doctor", "--json", "--offline"], dataDirectory: empty)
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("does not exist"))
        #expect(missing.stdout.contains("switchboard accounts login"))
        #expect(!FileManager.default.fileExists(atPath: empty.path), "doctor must not create anything")
    }
}
