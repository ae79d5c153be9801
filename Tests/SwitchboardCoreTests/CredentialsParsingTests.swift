import Foundation
import Testing
@testable import SwitchboardCore

@Suite struct CredentialsParsingTests {
    @Test func claimsAreReadFromTheJWTPayload() throws {
        let exp = Date(timeIntervalSince1970: 1_900_000_000)
        let claims = try TokenClaims(jwt: TestJWT.make(exp: exp, email: "e@x.io", accountID: "acc", userID: "usr", plan: "pro"))
        #expect(claims == TokenClaims(expiresAt: exp, email: "e@x.io", subject: "auth0|x", accountID: "acc", userID: "usr", planType: "pro"))
    }

    @Test(arguments: [("abc", TokenClaims.DecodingError.notAJWT), ("a.!!!.c", .payloadNotBase64), ("a.\(Data("[1]".utf8).base64URLEncodedString()).c", .payloadNotJSON)])
    func unreadableJWTsSayWhy(token: String, error: TokenClaims.DecodingError) {
        #expect(throws: error) { try TokenClaims(jwt: token) }
    }

    @Test func base64URLRoundTripsEveryLengthAndByteWithOrWithoutPadding() {
        for length in 0..<40 {
            let bytes = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) })
            let text = bytes.base64URLEncodedString()
            #expect(!text.contains("+") && !text.contains("/") && !text.contains("="))
            #expect(Data(base64URLEncoded: text) == bytes, "length \(length)")
            #expect(Data(base64URLEncoded: bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")) == bytes)
        }
        #expect(Data(base64URLEncoded: "a!b") == nil)
        #expect(Data(base64URLEncoded: "é") == nil)
    }

    @Test func fingerprintIsSHA256HexAndShowsSixteenCharacters() {
        let fingerprint = CredentialFingerprint(of: "abc")
        #expect(fingerprint.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(fingerprint.short == "ba7816bf8f01cfea")
        #expect("\(TokenSet(accessToken: "A", refreshToken: "abc", idToken: "I", lastRefreshAt: nil))".contains("ba7816bf8f01cfea"))
        #expect(!"\(TokenSet(accessToken: "SECRET-A", refreshToken: "abc", idToken: "I", lastRefreshAt: nil))".contains("SECRET"))
    }

    @Test func snakeAndCamelCaseAuthFilesAreBothRead() throws {
        let id = TestJWT.make(email: "s@x.io", accountID: "acc-9", userID: "usr-9")
        let access = TestJWT.make(exp: Date().addingTimeInterval(60))
        let snake = #"{"tokens":{"id_token":"\#(id)","access_token":"\#(access)","refresh_token":"r1","account_id":"acc-9"},"last_refresh":"2026-11-20T10:00:00.123Z"}"#
        let camel = #"{"tokens":{"idToken":"\#(id)","accessToken":"\#(access)","refreshToken":"r1","accountId":"acc-9"},"lastRefreshAt":"2026-11-20T10:00:00Z"}"#
        for text in [snake, camel] {
            let file = try CodexAuthFile(data: Data(text.utf8))
            #expect(file.chatgptAccountID == "acc-9")
            #expect(file.chatgptUserID == "usr-9")
            #expect(file.email == "s@x.io")
            #expect(file.tokens.refreshToken == "r1")
            #expect(file.tokens.lastRefreshAt != nil)
        }
    }

    @Test func badAuthFilesNameTheField() {
        let jwt = TestJWT.make()
        #expect(throws: CodexAuthFile.ParseError.notJSON) { try CodexAuthFile(data: Data("nope".utf8)) }
        #expect(throws: CodexAuthFile.ParseError.missingField("tokens.refresh_token")) {
            try CodexAuthFile(data: Data(#"{"tokens":{"id_token":"\#(jwt)","access_token":"\#(jwt)"}}"#.utf8))
        }
        #expect(throws: CodexAuthFile.ParseError.unreadableJWT(field: "tokens.id_token", problem: .notAJWT)) {
            try CodexAuthFile(data: Data(#"{"tokens":{"id_token":"x","access_token":"\#(jwt)","refresh_token":"r"}}"#.utf8))
        }
    }

    @Test func exportedFilesReadBack() throws {
        let account = Account.fixture()
        let file = try CodexAuthFile(data: CodexAuthFile.encode(account))
        #expect(file.tokens.refreshToken == account.tokens.refreshToken)
        #expect(file.chatgptAccountID == account.chatgptAccountID)
    }
}
