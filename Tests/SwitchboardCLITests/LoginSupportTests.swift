import Foundation
import Synchronization
import Testing
import SwitchboardUpstream
@testable import switchboard

/// The pieces of `accounts login` that need no process: PKCE and the callback's query.
@Suite struct LoginSupportTests {
    /// RFC 7636, appendix B.
    @Test func theChallengeIsTheS256OfTheVerifier() {
        #expect(PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let fresh = PKCE.generate()
        #expect((43...128).contains(fresh.verifier.count))
        #expect(fresh.verifier.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(fresh != PKCE.generate())
    }

    @Test func aPastedCallbackIsReadAsAURLOrAQueryAndItsStateIsChecked() throws {
        let url = try #require(AuthorizationCallback(pasted: "  http://localhost:1455/auth/callback?code=ac_1%2B2&state=s1#frag \n"))
        #expect(try url.authorizationCode(expectedState: "s1") == "ac_1+2")
        #expect(throws: CLIFailure.self) { try url.authorizationCode(expectedState: "other") }
        let query = try #require(AuthorizationCallback(pasted: "code=ac_2&state=s2"))
        #expect(try query.authorizationCode(expectedState: "s2") == "ac_2")
        #expect(AuthorizationCallback(pasted: "hello") == nil)
        let denied = try #require(AuthorizationCallback(pasted: "?error=access_denied&state=s3"))
        do {
            _ = try denied.authorizationCode(expectedState: "s3")
            Issue.record("a denied login must throw")
        } catch {
            #expect("\(error)".contains("access_denied"))
        }
    }
}
