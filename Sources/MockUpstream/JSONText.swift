import Foundation

/// The mock's JSON text: bodies are encoded from synthesized `Encodable` types (`encode`); only the hot
/// path (SSE events), where a coder per event would cost too much, is built by hand (`quote`).
enum JSONText {
    /// `string` as a JSON string literal, quotes included.
    static func quote(_ string: String) -> String {
        var needsEscaping = false
        for byte in string.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscaping = true
            break
        }
        if !needsEscaping { return "\"" + string + "\"" }
        var out = "\""
        out.reserveCapacity(string.utf8.count + 8)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Compact JSON text of `value`, keys sorted. A camelCase property name becomes the wire's snake_case
    /// (`resetsInSeconds` → `resets_in_seconds`, `deviceAuthID` → `device_auth_id`); a key spelled out in
    /// `CodingKeys` (`OPENAI_API_KEY`, a claim URL) and dictionary keys stay as they are.
    static func encode(_ value: some Encodable) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in WireKey(snakeCase(path.last?.stringValue ?? "")) }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `camelCase` → `camel_case`; an acronym is one word (`inAPI` → `in_api`). Keys that are not camelCase are kept.
    static func snakeCase(_ key: String) -> String {
        guard key.first?.isLowercase == true, !key.contains("_"), key.contains(where: \.isUppercase) else { return key }
        let characters = Array(key)
        var out = ""
        for (index, character) in characters.enumerated() {
            guard character.isUppercase else {
                out.append(character)
                continue
            }
            let previousIsUpper = characters[index - 1].isUppercase
            let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
            if !previousIsUpper || nextIsLower { out += "_" }
            out += character.lowercased()
        }
        return out
    }

    private struct WireKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ stringValue: String) { self.stringValue = stringValue }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
