import Foundation

// Hand-written because JSONEncoder with `.sortedKeys` was 10 % of the gateway's CPU (BENCHMARKS.md).
// The output is byte for byte what that encoder wrote for the same value (`.sortedKeys`,
// `.withoutEscapingSlashes`, through `JSONValue.encode(to:)`), with one deliberate difference: a
// non-finite number is written as `null`, where JSONEncoder failed and the whole document became `null`.

extension JSONValue {
    /// Compact UTF-8 JSON (keys sorted, so output is stable).
    public func encoded() -> Data { Data(encodedBytes()) }

    public func encodedBytes() -> [UInt8] {
        var bytes: [UInt8] = []
        write(into: &bytes)
        return bytes
    }

    /// Appends the compact JSON of `self` to `bytes`.
    public func write(into bytes: inout [UInt8]) {
        switch self {
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .bool(let value):
            bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let value):
            Self.write(number: value, into: &bytes)
        case .string(let value):
            Self.write(string: value, into: &bytes)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                element.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            // Sorting positions, not members, saves a retain and release per member moved.
            for (offset, position) in members.indices.sorted(by: { Self.precedes(members[$0].key, members[$1].key) }).enumerated() {
                if offset > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.write(string: members[position].key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                members[position].value.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Key order: by UTF-8 bytes, as JSONEncoder's `.sortedKeys` does. (String `<` would differ: it
    /// compares canonical equivalents, so "e\u{301}x" would sort after "é".)
    private static func precedes(_ a: String, _ b: String) -> Bool {
        let order = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in
                for offset in 0..<min(a.count, b.count) where a[offset] != b[offset] { return a[offset] < b[offset] }
                return a.count < b.count
            }
        }
        if case let order?? = order { return order }
        return a.utf8.lexicographicallyPrecedes(b.utf8)  // a string without contiguous UTF-8 (bridged)
    }

    /// Whole numbers below 9e15 as integers, so ids and token counts stay integers; others as Swift's
    /// shortest round-trip `description` without a trailing ".0" (`1e+16`, `0.1`, `5e-324`).
    private static func write(number value: Double, into bytes: inout [UInt8]) {
        if value.rounded() == value, abs(value) < 9.0e15 {
            write(integer: Int64(value), into: &bytes)
        } else if value.isFinite {
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            bytes.append(contentsOf: text.utf8)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
    }

    private static func write(integer: Int64, into bytes: inout [UInt8]) {
        if integer < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        var rest = integer.magnitude
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    /// Escapes `"`, `\` and control characters (as JSONEncoder does: `\n`-style where there is one,
    /// else `\u00xx`); everything else, `/` and non-ASCII included, is copied as it is.
    private static func write(string: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var run = 0  // start of the bytes not yet copied
            for (offset, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<offset]))
                write(escaped: byte, into: &bytes)
                run = offset + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func write(escaped byte: UInt8, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:  // below 0x20, so the high digit is 0 or 1
            let low = byte & 0x0F
            bytes.append(contentsOf: "u00".utf8)
            bytes.append(UInt8(ascii: "0") + byte >> 4)
            bytes.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
        }
    }
}
