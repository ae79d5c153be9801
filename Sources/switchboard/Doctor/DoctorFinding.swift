import SwitchboardCore

/// One line of `switchboard doctor`: what was checked, how it stands, and, unless it passed, what to do.
struct DoctorFinding: Sendable, Equatable {
    enum Verdict: String, Sendable {
        case pass, warn, fail, skip
    }

    let check: String
    let verdict: Verdict
    let detail: String
    var fix: String? = nil

    static func pass(_ check: String, _ detail: String) -> DoctorFinding { DoctorFinding(check: check, verdict: .pass, detail: detail) }
    static func warn(_ check: String, _ detail: String, fix: String) -> DoctorFinding { DoctorFinding(check: check, verdict: .warn, detail: detail, fix: fix) }
    static func fail(_ check: String, _ detail: String, fix: String) -> DoctorFinding { DoctorFinding(check: check, verdict: .fail, detail: detail, fix: fix) }
    static func skip(_ check: String, _ detail: String) -> DoctorFinding { DoctorFinding(check: check, verdict: .skip, detail: detail) }

    var json: JSONValue {
        ["check": .string(check), "status": .string(verdict.rawValue), "detail": .string(detail), "fix": fix.map(JSONValue.string) ?? .null]
    }

    var text: String {
        let line = "\(verdict.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)) \(check): \(detail)"
        return fix.map { line + "\n      fix: \($0)" } ?? line
    }
}
