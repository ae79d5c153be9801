import Foundation
import Testing
import SwitchboardCore
@testable import SwitchboardStore

/// The database and its key must belong together, and the key must be the owner's alone (issue 21, defect 8).
@Suite struct KeyFileSafetyTests {
    let fixture = StoreFixture()
    var database: URL { fixture.directory.appendingPathComponent(AccountStore.fileName) }
    var key: URL { fixture.directory.appendingPathComponent(TokenCipher.keyFileName) }

    func message(_ open: () throws -> Void) -> String {
        do { try open() } catch { return "\(error)" }
        return ""
    }

    @Test func anEmptiedDatabaseBesideAnExistingKeyIsRefusedWithWhatToDo() throws {
        _ = try fixture.open().importAccount(StoreFixture.authFile())
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
        FileManager.default.createFile(atPath: database.path, contents: nil, attributes: [.posixPermissions: 0o600])
        let refusal = message { _ = try fixture.open() }
        #expect(refusal.contains("Restore switchboard.sqlite"), "\(refusal)")
        #expect(refusal.contains("move secret.key away"))
    }

    @Test func aMissingDatabaseBesideAnExistingKeyIsRefused() throws {
        _ = try fixture.open().importAccount(StoreFixture.authFile())
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
        #expect(message { _ = try fixture.open() }.contains("holds no accounts encrypted with it"))
    }

    @Test func aKeyFileReadableByOthersIsRefusedNotTightened() throws {
        _ = try fixture.open().importAccount(StoreFixture.authFile())
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let refusal = message { _ = try fixture.open() }
        #expect(refusal.contains("mode 644"), "\(refusal)")
        #expect(refusal.contains("chmod 600"))
        #expect((try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        #expect(try fixture.open().accounts().count == 1)
    }
}
