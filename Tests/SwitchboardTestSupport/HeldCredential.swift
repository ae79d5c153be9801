import SwitchboardCore
import SwitchboardStore

extension AccountStore {
    /// The refresh token the account holds now: a verdict observed with it counts.
    public func heldRefreshToken(_ id: String) throws -> ObservedCredential {
        .refreshToken(try account(id: id)!.tokens.fingerprint)
    }
}
