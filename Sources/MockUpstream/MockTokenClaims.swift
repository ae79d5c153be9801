/// The claims of the access and id tokens the mock issues, in the layout of ChatGPT's (the access
/// token adds audience, client, scopes and profile; the id token its audience and `email_verified`).
struct MockTokenClaims: Encodable {
    /// The ChatGPT identity and plan (`https://api.openai.com/auth`).
    struct Auth: Encodable {
        let chatgptAccountID: String
        let chatgptUserID: String
        let chatgptPlanType: String
        let userID: String
    }

    /// The profile of real access tokens (`https://api.openai.com/profile`).
    struct Profile: Encodable {
        let email: String
        var emailVerified = true
    }

    let iat: Int
    let exp: Int
    let email: String
    let sub: String
    var iss = "https://auth.openai.com"
    let jti: String
    let auth: Auth
    var aud: [String] = []
    var clientID: String?
    var scp: [String]?
    var profile: Profile?
    var emailVerified: Bool?

    enum CodingKeys: String, CodingKey {
        case iat, exp, email, sub, iss, jti, aud, clientID, scp, emailVerified
        case auth = "https://api.openai.com/auth", profile = "https://api.openai.com/profile"
    }
}
