import Foundation

/// Deterministic byte mutations of a seed corpus (the committed `Fuzz/corpus/<target>/`), so that a fuzz
/// run in `swift test` is bounded, reproducible and cheap; `make fuzz` runs libFuzzer on the same seeds.
struct SeededMutator {
    /// SplitMix64: a fixed seed gives the same inputs on every run.
    private var state: UInt64
    let seeds: [[UInt8]]
    /// Tokens worth splicing into structured text.
    static let tokens: [[UInt8]] = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "null", "true", "-", "1e999", "0.", "\n", "\r", "\r\n", "\n\n", "data: ", "event: ", ":", "\u{0}", "\u{FEFF}", "é", "\u{10FFFF}"].map { Array($0.utf8) } + [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80]]

    init(target: String, seed: UInt64 = 0x5EED) {
        state = seed
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path))?.sorted() ?? []
        seeds = names.compactMap { try? [UInt8](Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(max(bound, 1)))
    }

    /// A seed with one to four mutations: flip, insert, delete, duplicate a range, splice a token or another seed.
    mutating func input() -> [UInt8] {
        var bytes = seeds.isEmpty ? [] : seeds[next(below: seeds.count)]
        for _ in 0...next(below: 4) {
            let at = next(below: bytes.count + 1)
            switch next(below: 6) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1 << next(below: 8))
            case 1: bytes.insert(UInt8(next(below: 256)), at: at)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + 1 + next(below: 8)))
            case 3 where at < bytes.count: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + next(below: 16))], at: at)
            case 4: bytes.insert(contentsOf: Self.tokens[next(below: Self.tokens.count)], at: at)
            default: if !seeds.isEmpty { bytes.insert(contentsOf: seeds[next(below: seeds.count)].prefix(next(below: 64)), at: at) }
            }
        }
        return bytes
    }
}
