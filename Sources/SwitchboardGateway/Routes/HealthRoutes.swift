import Foundation
import Hummingbird
import SwitchboardCore

/// `GET /health` (the process is alive, and which build it is) and `GET /health/ready` (the database answers and an account is active).
struct HealthRoutes: Sendable {
    let pool: AccountPool
    let version: String

    func alive(_ request: Request, _ context: GatewayContext) -> Response {
        JSONResponse.ok(["status": "ok", "version": .string(version)])
    }

    func ready(_ request: Request, _ context: GatewayContext) -> Response {
        do {
            try pool.ping()
        } catch {
            return JSONResponse.ok(["status": "unavailable", "reason": .string("the database does not answer: \(error)")], status: .serviceUnavailable)
        }
        let active = pool.selectableCount
        guard active > 0 else {
            return JSONResponse.ok(["status": "unavailable", "reason": .string(pool.emptyPoolError().message)], status: .serviceUnavailable)
        }
        return JSONResponse.ok(["status": "ready", "active_accounts": .number(Double(active))])
    }
}
