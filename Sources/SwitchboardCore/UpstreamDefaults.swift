/// Facts about the real upstream that every client shares (see docs/upstream.md).
public enum UpstreamDefaults {
    public static let upstreamBaseURL = "https://chatgpt.com/backend-api"
    public static let authBaseURL = "https://auth.openai.com"
    public static let oauthClientID = "app_EMoamEEZ73f0CkXaXp7hrann"
    public static let refreshScope = "openid profile email"
}
