import Foundation
import SwitchboardCore
import SwitchboardUpstream

/// Turns a Responses event stream into the one `response` object a non-streaming client expects.
struct ResponseCollector: StreamCollector {
    /// The data of each `response.output_item.done`, parsed only if the final response needs them.
    private var items: [String] = []

    static let parser = SSEParser(keeping: UpstreamEvents.terminalTypes.union(["response.output_item.done"]))

    mutating func consume(_ events: [SSEEvent]) {
        for event in events where event.type == "response.output_item.done" { items.append(event.data) }
    }

    /// The final response; the backend may leave `output` empty when `store` is false, so the
    /// finished items seen on the way fill it in.
    func result(for end: StreamEnd) throws(GatewayError) -> JSONValue {
        switch end {
        case .failed(let error, let failure):
            throw GatewayError.upstreamFailure(error, failure)
        case .completed(let completed):
            guard var response = completed?.objectValue else { throw .streamTruncated() }
            if (response["output"]?.arrayValue ?? []).isEmpty, !items.isEmpty {
                response["output"] = .array(items.compactMap { JSONValue(parsing: $0)?["item"] })
            }
            return .object(response)
        case .truncated, .clientGone:
            throw .streamTruncated()
        }
    }
}
