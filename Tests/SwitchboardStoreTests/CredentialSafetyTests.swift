import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// Refresh claims, safe re-import, stale verdicts and row versions in the store.
@Suite struct CredentialSafetyTests {
    let fixture = StoreFixture()

    @Test(arguments: StoreKind.all) func aRefreshClaimIsExclusiveUntilReleasedOrExpiredAndARotationReleasesIt(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let account = try store.importAccount(StoreFixture.authFile(refresh: "rt-1")).account
        #expect(try store.claimRefresh(of: account.id, holder: "gateway", lease: 30))
        #expect(try store.claimRefresh(of: account.id, holder: "cli", lease: 30) == false)
        #expect(try store.claimRefresh(of: account.id, holder: "gateway", lease: 30), "the holder may renew")
        #expect(try store.refreshClaimed(account.id))
        let rotated = TokenSet(accessToken: "a2", refreshToken: "rt-2", idToken: "i2", lastRefreshAt: Date())
        _ = try store.rotateTokens(of: account.id, previous: account.tokens.fingerprint, to: rotated, source: .refresh, releasing: "gateway")
        #expect(try store.refreshClaimed(account.id) == false)
        #expect(try store.claimRefresh(of: account.id, holder: "cli", lease: 30))
        // A holder that died: its claim lapses.
        #expect(try store.claimRefresh(of: account.id, holder: "gateway", lease: 30, now: Date().addingTimeInterval(60)))
    }

    @Test(arguments: StoreKind.all) func importingARefreshTokenThisStoreRotatedAwayChangesNothingUnlessForced(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let original = try StoreFixture.authFile(refresh: "rt-1")
        let account = try store.importAccount(original).account
        let live = TokenSet(accessToken: "a2", refreshToken: "rt-2", idToken: "i2", lastRefreshAt: Date())
        _ = try store.rotateTokens(of: account.id, previous: account.tokens.fingerprint, to: live, source: .refresh)
        guard case .keptNewer(_, let reason) = try store.importAccount(original) else { Issue.record("the spent token was imported"); return }
        #expect(reason.contains("already rotated away"))
        #expect(try store.account(id: account.id)?.tokens.refreshToken == "rt-2")
        guard case .updated(_, true) = try store.importAccount(original, force: true) else { Issue.record("--force must import"); return }
        #expect(try store.account(id: account.id)?.tokens.refreshToken == "rt-1")
    }

    @Test(arguments: StoreKind.all) func importingCredentialsWithAnOlderLastRefreshChangesNothing(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let id = try store.importAccount(StoreFixture.authFile(refresh: "rt-new", lastRefresh: Date())).account.id
        guard case .keptNewer(_, let reason) = try store.importAccount(StoreFixture.authFile(refresh: "rt-older", lastRefresh: Date().addingTimeInterval(-86_400))) else {
            Issue.record("older credentials were imported"); return
        }
        #expect(reason.contains("older"))
        #expect(try store.account(id: id)?.tokens.refreshToken == "rt-new")
        guard case .updated(_, true) = try store.importAccount(StoreFixture.authFile(refresh: "rt-newest", lastRefresh: Date().addingTimeInterval(10))) else {
            Issue.record("newer credentials must be imported"); return
        }
    }

    @Test(arguments: StoreKind.all) func aStaleVerdictChangesNothingButAnAuditEntryNamingBothCredentials(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let account = try store.importAccount(StoreFixture.authFile(refresh: "rt-old")).account
        let old = ObservedCredential.refreshToken(account.tokens.fingerprint)
        _ = try store.importAccount(StoreFixture.authFile(refresh: "rt-relogin"))
        let applied = try store.apply(.failed(.permanent(code: "invalid_grant", message: "m"), at: .token, source: .refresh, accessTokenValid: false, observedWith: old), to: account.id)
        #expect(applied.account.status == .active)
        let entry = try #require(try store.events(accountID: account.id).last)
        #expect(entry.code == "stale_verdict_ignored")
        #expect(entry.detail?.contains(account.tokens.fingerprint.short) == true)
        #expect(entry.detail?.contains(CredentialFingerprint(of: "rt-relogin").short) == true)
    }

    @Test(arguments: StoreKind.all) func everyWriteBumpsTheRowVersion(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let account = try store.importAccount(StoreFixture.authFile()).account
        let applied = try store.apply(.paused, to: account.id)
        #expect(applied.account.version > account.version)
        let usage = try #require(try await store.recordUsage(UsageSnapshot(primary: UsageWindow(usedPercent: 5), observedAt: Date()), of: account.id))
        #expect(usage.version > applied.account.version)
        #expect(try store.changes().versions[account.id] == usage.version)
    }

    /// The changes since a mark hold every row written after it. SQLite lists exactly those; PostgreSQL
    /// may list again rows written before the mark by a transaction younger than the oldest one running
    /// then (in any database of the server: other tests run beside this one), with versions already seen.
    @Test(arguments: StoreKind.all) func changesSinceAMarkAreTheRowsWrittenAfterItAndTheCount(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let ids = try (1...3).map { try store.importAccount(StoreFixture.authFile(account: "acct-\($0)", user: "user-\($0)")).account.id }
        let everything = try store.changes()
        #expect(everything.complete && everything.count == 3 && Set(everything.versions.keys) == Set(ids))
        var seen = everything.versions
        func holds(_ changes: AccountChanges, written: [String: Int]) -> Bool {
            defer { seen.merge(changes.versions) { $1 } }
            if kind == .sqlite { return changes.versions == written }
            return changes.versions.allSatisfy { id, version in written[id] == version || seen[id] == version }
                && written.allSatisfy { changes.versions[$0.key] == $0.value }
        }
        #expect(holds(try store.changes(since: everything.mark), written: [:]))
        let paused = try store.apply(.paused, to: ids[1]).account
        let afterPause = try store.changes(since: everything.mark)
        #expect(holds(afterPause, written: [ids[1]: paused.version]) && afterPause.count == 3 && !afterPause.complete)
        try store.remove(id: ids[0])
        let afterRemoval = try store.changes(since: afterPause.mark)
        #expect(holds(afterRemoval, written: [:]) && afterRemoval.count == 2)
        let usage = try #require(try await store.recordUsage(UsageSnapshot(primary: UsageWindow(usedPercent: 5), observedAt: Date()), of: ids[2]))
        #expect(holds(try store.changes(since: afterRemoval.mark), written: [ids[2]: usage.version]))
        // On SQLite the sequence is store-wide: a row written later has a higher version than every row before it.
        if kind == .sqlite { #expect(usage.version > paused.version) }
    }

    /// A usage write patches the caller's copy instead of re-reading the row, only when that copy was
    /// the stored one; either way the answer is the row as stored.
    @Test(arguments: StoreKind.all) func aUsageWriteReturnsTheStoredRowWithOrWithoutAKnownCopy(_ kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        let store = try fixture.open()
        let imported = try store.importAccount(StoreFixture.authFile()).account
        let report = UsageSnapshot(planType: "pro", primary: UsageWindow(usedPercent: 40, windowSeconds: 18000, resetsAt: Date(timeIntervalSince1970: 1_900_000_000)), secondary: nil, observedAt: Date(timeIntervalSince1970: 1_800_000_000))
        let patched = try #require(try await store.recordUsage(report, of: imported.id, known: imported))
        #expect(patched == (try store.account(id: imported.id)))
        #expect(patched.planType == "pro" && patched.usedPercent == 40)
        // A copy older than the row (another process rotated the tokens): the row is read again.
        _ = try store.importAccount(StoreFixture.authFile(refresh: "rt-relogin"))
        let reread = try #require(try await store.recordUsage(report, of: imported.id, known: patched))
        #expect(reread == (try store.account(id: imported.id)))
        #expect(reread.tokens.refreshToken == "rt-relogin")
        #expect(try await store.recordUsage(report, of: "no-such-account", known: nil) == nil)
    }
}
