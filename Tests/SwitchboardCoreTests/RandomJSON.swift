import SwitchboardCore

/// SplitMix64: a seeded generator, so a failing random case fails the same way every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random JSON values: nested containers, strings that need escaping, numbers of every shape.
enum RandomJSON {
    static func value(depth: Int = 0, using rng: inout SeededGenerator) -> JSONValue {
        let kinds = depth >= 4 ? 4 : 6
        switch Int.random(in: 0..<kinds, using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .number(number(using: &rng))
        case 3: return .string(string(using: &rng))
        case 4: return .array((0..<Int.random(in: 0...5, using: &rng)).map { _ in value(depth: depth + 1, using: &rng) })
        default:
            let members = (0..<Int.random(in: 0...5, using: &rng)).map { _ in (string(using: &rng), value(depth: depth + 1, using: &rng)) }
            return .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
        }
    }

    static func number(using rng: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return Double(Int.random(in: -1000...1000, using: &rng))
        case 1: return Double(Int64.random(in: -9_000_000_000_000_000...9_000_000_000_000_000, using: &rng))
        case 2: return Double.random(in: -1...1, using: &rng)
        case 3: return Double(Int.random(in: -100_000...100_000, using: &rng)) / 100
        case 4: return [0.0, -0.0, .leastNonzeroMagnitude, 1.7976931348623157e308, 2.2250738585072014e-308, 1e16, 9e15, 0.1, 1e-7].randomElement(using: &rng)!
        default:
            // Any finite bit pattern: tiny, huge and subnormal values included.
            while true {
                let value = Double(bitPattern: rng.next())
                if value.isFinite { return value }
            }
        }
    }

    static func string(using rng: inout SeededGenerator) -> String {
        let pieces: [String] = ["a", "key", "Z", "_", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1f}", "\u{7f}", "é", "e\u{301}", "ß", "中文", "😀", "👍🏽", "\u{2028}", "\u{FEFF}", "\u{FFFF}", "\u{10FFFF}"]
        return (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }
}
