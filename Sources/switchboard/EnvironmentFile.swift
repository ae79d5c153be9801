import Foundation

/// A `KEY=VALUE` file in the syntax of systemd's `EnvironmentFile=`: blank lines and lines starting with `#`
/// or `;` are ignored, a value may be wrapped in single or double quotes. The service unit and the CLI read
/// the same file, so `switchboard doctor --env-file …` checks what the service runs with.
enum EnvironmentFile {
    static func read(_ path: String) throws -> [String: String] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw CLIFailure("cannot read the environment file \(path): \(error.localizedDescription)") }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";") else { continue }
            if line.hasPrefix("export ") { line.removeFirst("export ".count) }
            guard let equals = line.firstIndex(of: "="), !line[..<equals].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CLIFailure("\(path):\(index + 1): expected KEY=VALUE")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }
}
