import Foundation

/// One entry of `GET /backend-api/codex/models`.
public struct MockModel: Sendable, Equatable {
    public var slug: String
    public var displayName: String
    public var description: String
    public var defaultReasoningLevel: String
    public var contextWindow: Int

    public init(slug: String, displayName: String, description: String = "", defaultReasoningLevel: String = "medium", contextWindow: Int = 272_000) {
        self.slug = slug
        self.displayName = displayName
        self.description = description
        self.defaultReasoningLevel = defaultReasoningLevel
        self.contextWindow = contextWindow
    }

    /// The list served unless the configuration says otherwise.
    public static let catalog: [MockModel] = [
        MockModel(slug: "gpt-5.1-codex", displayName: "GPT-5.1 Codex", description: "Optimized for coding."),
        MockModel(slug: "gpt-5.1-codex-mini", displayName: "GPT-5.1 Codex Mini", description: "Cheaper, faster."),
        MockModel(slug: "gpt-5.1", displayName: "GPT-5.1", description: "General purpose."),
    ]

    /// This entry with every field the Codex CLI (0.16x) requires of a catalog entry.
    func entry(priority: Int) -> CatalogEntry {
        CatalogEntry(
            slug: slug, displayName: displayName, description: description, defaultReasoningLevel: defaultReasoningLevel,
            priority: priority, contextWindow: contextWindow)
    }
}

/// The body of `GET /backend-api/codex/models`.
struct ModelCatalog: Encodable {
    let models: [CatalogEntry]
}

/// One model as the catalog lists it.
struct CatalogEntry: Encodable {
    struct ReasoningLevel: Encodable {
        let effort: String
        let description: String
    }

    struct TruncationPolicy: Encodable {
        var mode = "tokens"
        var limit = 10_000
    }

    struct ServiceTier: Encodable {
        var id = "default"
        var name = "Default"
        var description = "The standard tier."
    }

    let slug: String
    let displayName: String
    let description: String
    let defaultReasoningLevel: String
    var supportedReasoningLevels = ["low", "medium", "high"].map { ReasoningLevel(effort: $0, description: $0) }
    var shellType = "shell_command"
    var visibility = "list"
    var supportedInAPI = true
    let priority: Int
    let contextWindow: Int
    var baseInstructions = "You are a coding agent served by the mock upstream."
    var supportsReasoningSummaries = true
    var supportVerbosity = false
    @Nullable var defaultVerbosity: String? = nil
    var truncationPolicy = TruncationPolicy()
    var supportsParallelToolCalls = true
    var experimentalSupportedTools: [String] = []
    @Nullable var upgrade: String? = nil
    @Nullable var availabilityNux: String? = nil
    @Nullable var applyPatchToolType: String? = nil
    var serviceTiers = [ServiceTier()]
}
