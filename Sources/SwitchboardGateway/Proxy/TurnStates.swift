import Foundation
import SwitchboardCore
import SwitchboardUpstream
import Synchronization

/// Which account issued each `x-codex-turn-state`. Codex echoes the state within one turn; it means
/// something only to the account that issued it, so it is never sent to another (a failover drops it).
final class TurnStates: Sendable {
    static let header = "x-codex-turn-state"
    private let owners = Mutex(StickyTable(ttl: Defaults.turnStateTTL, limit: Defaults.maxTurnStates))

    /// The account that issued `state`, if this gateway saw it issued (states are long: kept by digest).
    func owner(of state: String) -> String? {
        owners.withLock { $0.account(for: Secrets.sha256Hex(state), now: Date()) }
    }

    /// Remembers the state an upstream answer carried, if any.
    func record(_ response: UpstreamResponse, account: String) {
        guard let state = response.headers.value(for: Self.header) else { return }
        owners.withLock { $0.bind(Secrets.sha256Hex(state), to: account, now: Date()) }
    }

    /// The request headers for an attempt on `account`: the turn state only where it belongs, which is
    /// its issuer, or (issuer unknown, say after a restart) the first account tried.
    func headers(_ headers: [HTTPHeader], for account: String, firstTried: String) -> [HTTPHeader] {
        guard let state = headers.value(for: Self.header) else { return headers }
        let issuer = owner(of: state) ?? firstTried
        return issuer == account ? headers : headers.filter { $0.name.lowercased() != Self.header }
    }
}
