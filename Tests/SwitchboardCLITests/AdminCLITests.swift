import Foundation
import MockUpstream
import Testing
import SwitchboardCore
import SwitchboardStore
import SwitchboardTestSupport

/// The admin CLI as a new user runs it: a separate process over a throwaway data directory.
@Suite struct AdminCLITests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-cli-\(UUID().uuidString)")
    let mock = MockUpstream()

    func authFile(_ email: String, camelCase: Bool = false) throws -> URL {
        let file = try mock.createAccount(email: email)
        var text = String(decoding: try JSONEncoder().encode(file), as: UTF8.self)
        if camelCase {
            for (snake, camel) in [("id_token", "idToken"), ("access_token", "accessToken"), ("refresh_token", "refreshToken"), ("account_id", "accountId"), ("last_refresh", "lastRefreshAt")] {
                text = text.replacingOccurrences(of: "\"\(snake)\"", with: "\"\(camel)\"")
            }
        }
        return try write(text)
    }

    func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url
    }

    func run(_ arguments: String...) async throws -> CLI.Result { try await CLI.run(arguments, dataDirectory: directory) }

    func list() async throws -> [JSONValue] {
        let result = try await run("accounts", "list", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        return JSONValue(parsing: Data(result.stdout.utf8))?.arrayValue ?? []
    }

    @Test func importListsTheAccountsInJSONWithTheDocumentedFields() async throws {
        let imported = try await run("accounts", "import", try authFile("snake@example.com").path, try authFile("camel@example.com", camelCase: true).path)
        #expect(imported.status == 0, "\(imported.stderr)")
        let accounts = try await list()
        #expect(accounts.count == 2)
        for account in accounts {
            #expect(account["status"] == "active")
            #expect(account["status_code"] == .null)
            #expect(account["resets_at"] == .null)
            #expect(account["plan"] == "plus")
            #expect(account["id"]?.stringValue?.isEmpty == false)
        }
        #expect(Set(accounts.compactMap { $0["email"]?.stringValue }) == ["snake@example.com", "camel@example.com"])
        let table = try await run("accounts", "list")
        #expect(table.stdout.contains("snake@example.com"))
        #expect(table.stdout.contains("STATUS"))
    }

    @Test func reimportingUpdatesTheSameAccount() async throws {
        let file = try authFile("one@example.com")
        #expect(try await run("accounts", "import", file.path).status == 0)
        let again = try await run("accounts", "import", file.path)
        #expect(again.stdout.contains("updated"))
        #expect(try await list().count == 1)
    }

    @Test(arguments: [
        ("missing", "cannot read the file"),
        ("not json", "is not a JSON object"),
        (#"{"tokens":{"access_token":"a.b.c","refresh_token":"r"}}"#, "tokens.id_token"),
        (#"{"tokens":{"id_token":"x.e30.y","access_token":"a.e30.c"}}"#, "tokens.refresh_token"),
        (#"{"tokens":{"id_token":"nojwt","access_token":"a.e30.c","refresh_token":"r"}}"#, "tokens.id_token"),
    ])
    func badAuthFilesExitNonZeroNameTheFileAndFieldAndWriteNothing(content: String, expected: String) async throws {
        let good = try authFile("good@example.com")
        let bad = content == "missing" ? URL(fileURLWithPath: "/nonexistent/auth.json") : try write(content)
        let result = try await run("accounts", "import", good.path, bad.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains(bad.path), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(try await list().isEmpty, "a bad file must stop the whole import")
    }

    @Test func pauseResumeAndRemoveShowImmediatelyInTheList() async throws {
        #expect(try await run("accounts", "import", try authFile("one@example.com").path).status == 0)
        #expect(try await run("accounts", "pause", "one@example.com").status == 0)
        #expect(try await list().first?["status"] == "paused")
        let again = try await run("accounts", "pause", "one@example.com")
        #expect(again.status == 1)
        #expect(try await run("accounts", "resume", "one@example.com").status == 0)
        #expect(try await list().first?["status"] == "active")
        let show = try await run("accounts", "show", "one@example.com", "--json")
        let history = JSONValue(parsing: Data(show.stdout.utf8))?["history"]?.arrayValue ?? []
        #expect(history.compactMap { $0["to"]?.stringValue } == ["active", "paused", "active"])
        #expect(try await run("accounts", "remove", "one@example.com").status == 0)
        #expect(try await list().isEmpty)
        let events = try await run("events", "--since", "1h", "--json")
        #expect(events.stdout.contains("removed"))
    }

    @Test func reactivateRefusesActiveAccountsAndThePoisonedCredentialUnlessForced() async throws {
        #expect(try await run("accounts", "import", try authFile("one@example.com").path).status == 0)
        let active = try await run("accounts", "reactivate", "one@example.com", "--no-verify")
        #expect(active.status == 1)
        #expect(active.stderr.contains("active"))
        let store = try AccountStore.open(dataDirectory: directory)
        let id = try store.find("one@example.com").id
        try store.apply(.failed(.permanent(code: "refresh_token_reused", message: "reused"), at: .token, source: .refresh, accessTokenValid: false, observedWith: store.heldRefreshToken(id)), to: id)
        let listed = try await list().first
        #expect(listed?["status"] == "deactivated")
        #expect(listed?["status_code"] == "refresh_token_reused")
        let refused = try await run("accounts", "reactivate", id, "--no-verify")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refresh_token_reused"))
        let forced = try await run("accounts", "reactivate", id, "--force", "--no-verify")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try await list().first?["status"] == "active")
    }

    @Test func exportWritesACodexAuthFileReadableByImport() async throws {
        #expect(try await run("accounts", "import", try authFile("one@example.com").path).status == 0)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).json")
        let result = try await run("accounts", "export", "one@example.com", "--out", out.path)
        #expect(result.status == 0, "\(result.stderr)")
        let mode = (try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        let file = try SwitchboardCore.CodexAuthFile(data: Data(contentsOf: out))
        #expect(file.email == "one@example.com")
    }

    @Test func noCommandPrintsAToken() async throws {
        let file = try mock.createAccount(email: "secret@example.com")
        let url = try write(String(decoding: try JSONEncoder().encode(file), as: UTF8.self))
        let parsed = try SwitchboardCore.CodexAuthFile(data: Data(contentsOf: url))
        var printed = ""
        for arguments in [["accounts", "import", url.path], ["accounts", "list"], ["accounts", "list", "--json"], ["accounts", "show", "secret@example.com"], ["accounts", "show", "secret@example.com", "--json"], ["events"], ["accounts", "history", "secret@example.com"]] {
            let result = try await CLI.run(arguments, dataDirectory: directory)
            printed += result.stdout + result.stderr
        }
        for token in [parsed.tokens.accessToken, parsed.tokens.refreshToken, parsed.tokens.idToken] {
            #expect(!printed.contains(token))
        }
        #expect(printed.contains(parsed.tokens.fingerprint.short))
    }
}
