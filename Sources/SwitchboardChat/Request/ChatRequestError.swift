/// A Chat Completions request the gateway cannot translate: rendered as a 400
/// `invalid_request_error` whose `param` is the offending field path.
public struct ChatRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for a person to read.
    public let message: String
    /// The field path, like `messages[2].content`; nil when the body as a whole is wrong.
    public let param: String?

    public init(message: String, param: String?) {
        self.message = message
        self.param = param
    }

    public var description: String { param.map { "\($0): \(message)" } ?? message }
}
