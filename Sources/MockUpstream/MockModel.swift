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

    /// The JSON object of this entry, with every field the Codex CLI (0.16x) requires of a catalog entry.
    func jsonObject(priority: Int) -> [String: Any] {
        [
            "slug": slug, "display_name": displayName, "description": description,
            "default_reasoning_level": defaultReasoningLevel,
            "supported_reasoning_levels": ["low", "medium", "high"].map { ["effort": $0, "description": $0] },
            "shell_type": "shell_command", "visibility": "list", "supported_in_api": true,
            "priority": priority, "context_window": contextWindow,
            "base_instructions": "You are a coding agent served by the mock upstream.",
            "supports_reasoning_summaries": true, "support_verbosity": false, "default_verbosity": NSNull(),
            "truncation_policy": ["mode": "tokens", "limit": 10_000], "supports_parallel_tool_calls": true,
            "experimental_supported_tools": [String](), "upgrade": NSNull(), "availability_nux": NSNull(),
            "apply_patch_tool_type": NSNull(),
            "service_tiers": [["id": "default", "name": "Default", "description": "The standard tier."]],
        ]
    }
}
