import Foundation
import SwitchboardCore
import SwitchboardUpstream

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DoctorChecks {
    /// Any HTTP answer counts: the check is that the name resolves and the host answers, not what it says to a bare GET.
    func reachability(_ check: String, _ url: String, variable: String) async -> DoctorFinding {
        let started = ContinuousClock.now
        let request = UpstreamRequest(url: url, timeouts: .total(timeout, connect: min(timeout, .seconds(5))))
        switch await transport.outcome(of: request, maxBodyBytes: 64 * 1024) {
        case .http(let status, _):
            let elapsed = ContinuousClock.now - started
            return .pass(check, "\(url) answered HTTP \(status) in \(Int(elapsed / .milliseconds(1))) ms")
        case .transport(let kind, let detail):
            return .fail(check, "\(url) did not answer (\(kind.rawValue): \(detail))", fix: "check DNS and outbound HTTPS from this machine (proxy, firewall), or \(variable) if it is set wrongly; `--offline` skips this check")
        }
    }

    /// Free, or taken by a switchboard (its `/health` names a version): both fine. Anything else blocks `serve`.
    func portFinding() async -> DoctorFinding {
        let host = configuration.host, port = configuration.port
        let address = "\(host):\(port)"
        switch Self.tryBind(host: host, port: port) {
        case .free:
            return .pass("port", "\(address) is free")
        case .failed(let problem):
            return .fail("port", "cannot listen on \(address): \(problem)", fix: "choose another address or port (SWITCHBOARD_HOST, SWITCHBOARD_PORT)")
        case .inUse:
            let probeHost = ["0.0.0.0", "::", "localhost"].contains(host) ? "127.0.0.1" : host
            let request = UpstreamRequest(url: "http://\(probeHost.contains(":") ? "[\(probeHost)]" : probeHost):\(port)/health", timeouts: .total(.seconds(3)))
            if case .http(200, let body) = await transport.outcome(of: request, maxBodyBytes: 64 * 1024),
                let version = JSONValue(parsing: body)?["version"]?.stringValue {
                return .pass("port", "\(address) is held by a running switchboard \(version)")
            }
            return .fail("port", "\(address) is taken by another program", fix: "stop it (`ss -ltnp 'sport = :\(port)'` names it) or set SWITCHBOARD_PORT to a free port")
        }
    }

    enum BindResult { case free, inUse, failed(String) }

    /// Binds a throwaway socket the way the server would (SO_REUSEADDR, as NIO sets it) and closes it at once.
    static func tryBind(host: String, port: Int) -> BindResult {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else { return .failed("\(host) does not resolve") }
        defer { freeaddrinfo(list) }
        let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard descriptor >= 0 else { return .failed(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            return errno == EADDRINUSE ? .inUse : .failed(String(cString: strerror(errno)))
        }
        return .free
    }
}
