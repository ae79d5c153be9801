import Foundation
import Logging

extension MockUpstream {
    /// Defaults of one mock; everything can also be changed per account at run time.
    public struct Configuration: Sendable {
        /// Lifetime of issued access tokens (JWT `exp` − `iat`), unless the account says otherwise.
        public var accessTokenLifetime: TimeInterval
        /// Shape of happy streams for accounts without their own.
        public var stream: StreamShape
        /// The OAuth client id that `/oauth/token` and the login endpoints require.
        public var clientID: String
        /// Seconds between device-code polls, as the usercode answer tells the client.
        public var deviceCodeInterval: Int
        /// Seconds a device code stays valid.
        public var deviceCodeLifetime: Int
        /// What `/codex/models` lists.
        public var models: [MockModel]
        /// Level of the mock's own log; requests are not logged. Critical by default because the
        /// only thing it says otherwise is an error line each time `stop()` cancels the server.
        public var logLevel: Logger.Level

        public init(
            accessTokenLifetime: TimeInterval = 3600,
            stream: StreamShape = StreamShape(),
            clientID: String = "app_EMoamEEZ73f0CkXaXp7hrann",
            deviceCodeInterval: Int = 5,
            deviceCodeLifetime: Int = 900,
            models: [MockModel] = MockModel.catalog,
            logLevel: Logger.Level = .critical
        ) {
            self.accessTokenLifetime = accessTokenLifetime
            self.stream = stream
            self.clientID = clientID
            self.deviceCodeInterval = deviceCodeInterval
            self.deviceCodeLifetime = deviceCodeLifetime
            self.models = models
            self.logLevel = logLevel
        }
    }
}
