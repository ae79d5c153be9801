/// The deterministic text of a happy stream, so tests can assert what came through.
///
/// Delta 0 is `"Hello from mock account EMAIL."`; delta k ≥ 1 is the (k-1)-th word, cycling, of
/// `" The quick brown fox jumps over the lazy dog."`. With the default 10 deltas the text is
/// `"Hello from mock account EMAIL. The quick brown fox jumps over the lazy dog."`.
public enum MockReply {
    /// The words that follow the greeting, each with its leading space.
    static let words = [" The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog."]
    /// The same words as JSON string literals, encoded once.
    static let quotedWords = words.map(JSONText.quote)

    /// The text the refusal behaviour sends by default.
    public static let refusalText = "I'm sorry, but I can't help with that."

    /// The `encrypted_content` of the compaction item a compaction stream carries.
    public static let compactionSummary = "mock-compaction-summary"

    /// The first delta for `email`.
    public static func greeting(email: String) -> String { "Hello from mock account \(email)." }

    /// Delta number `index` (0-based) of a reply to `email`.
    public static func delta(_ index: Int, email: String) -> String {
        index == 0 ? greeting(email: email) : words[(index - 1) % words.count]
    }

    /// The full text of a reply with `deltaCount` deltas.
    public static func text(email: String, deltaCount: Int = 10) -> String {
        (0..<max(1, deltaCount)).map { delta($0, email: email) }.joined()
    }
}
