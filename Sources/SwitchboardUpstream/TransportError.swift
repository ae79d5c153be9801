import SwitchboardCore

/// Why a transfer failed below HTTP. `detail` is fixed text plus numbers: never a URL,
/// a header or a body, so it is safe to log and to store.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var kind: TransportFailureKind
    public var detail: String

    public init(_ kind: TransportFailureKind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The same failure as the catalog's input.
    public var outcome: UpstreamOutcome { .transport(kind, detail: detail) }

    public var description: String { "\(kind.rawValue): \(detail)" }

    static let cancelled = TransportError(.cancelled, "cancelled by the caller")
}
