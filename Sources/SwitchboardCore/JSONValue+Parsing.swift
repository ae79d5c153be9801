import Foundation

// Hand-written on purpose: JSONSerialization on Linux produces Foundation objects, and converting them
// into this value type (`as? [String: Any]` bridges every NSDictionary/NSArray) cost 30 % of the
// gateway's CPU per request (profile in BENCHMARKS.md); JSONDecoder into an open-ended enum throws a
// DecodingError per value; and no package available to the project parses into an owned value type.
//
// Strict RFC 8259 over UTF-8 and otherwise what JSONSerialization on Linux accepts: fragments at the
// top level, a leading UTF-8 byte order mark, nesting up to 512 levels, the last of duplicate keys.
// Like it, it rejects invalid UTF-8, unescaped control characters, unpaired surrogate escapes and
// numbers beyond Double's range. Where it differs, on purpose:
// - trailing commas (`[1,]`, `{"a":1,}`) are rejected; JSONSerialization accepts them;
// - a top-level number followed by NUL (`1\u0000`) is rejected; JSONSerialization accepts it;
// - UTF-16 and UTF-32 input is not detected (JSON between systems is UTF-8, RFC 8259 §8.1);
// - a number is what `Double(String)` makes of its text, so `-0` is -0.0 (JSONSerialization: 0, equal
//   under `==`) and 17+ digit numbers round correctly (JSONSerialization goes through NSDecimalNumber's
//   `doubleValue`, which reads 0.30000000000000004 as 0.3000000000000001).

extension JSONValue {
    /// Parses `data`; nil when it is not JSON.
    public init?(parsing data: some DataProtocol) {
        guard let parsed = try? JSONValue.parse(data) else { return nil }
        self = parsed
    }

    /// Why a document was not read.
    public enum ParseError: Error, Equatable {
        case invalid
        /// It holds more than the allowed number of values (each string, number, literal, array or object).
        case tooManyValues(limit: Int)
    }

    /// Parses `data`, giving up once it has read `maximumValues` values: what a tree of values costs is
    /// tens of bytes per value, far more than the text (`[1,1,…]`), so a caller with untrusted input
    /// bounds it here.
    public static func parse(_ data: some DataProtocol, maximumValues: Int = .max) throws(ParseError) -> JSONValue {
        let parse = { (bytes: UnsafeBufferPointer<UInt8>) in JSONParser.parse(bytes, maximumValues: maximumValues) }
        let result = data.withContiguousStorageIfAvailable(parse) ?? Array(data).withUnsafeBufferPointer(parse)
        return try result.get()
    }

    /// Parses the UTF-8 of `text` without copying it; nil when it is not JSON.
    public init?(parsing text: some StringProtocol) {
        let parse = { (bytes: UnsafeBufferPointer<UInt8>) in JSONParser.parse(bytes, maximumValues: .max) }
        guard let parsed = try? (text.utf8.withContiguousStorageIfAvailable(parse) ?? Array(text.utf8).withUnsafeBufferPointer(parse)).get() else {
            return nil
        }
        self = parsed
    }
}

/// Recursive descent over UTF-8 bytes. Every failure throws `Invalid`, which `parse` turns into `ParseError`.
private struct JSONParser {
    private struct Invalid: Error {
        var tooManyValues = false
    }

    /// JSONSerialization's limit. It also bounds the recursion, so hostile nesting cannot exhaust the stack
    /// (512 levels take under 100 KB of it in a release build).
    static let maximumDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    /// Values that may still be read.
    var budget: Int
    var index = 0
    var depth = 0
    /// Reused for strings with escapes, which cannot be sliced out of the input as they are.
    var scratch: [UInt8] = []
    /// What the open arrays and objects hold so far, innermost last: each container is then built once
    /// at its final size, where growing it while reading would reallocate (and rehash) it as it goes.
    var elements: [JSONValue] = []
    var members: [(key: String, value: JSONValue)] = []

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maximumValues: Int) -> Result<JSONValue, JSONValue.ParseError> {
        var parser = JSONParser(bytes: bytes, budget: maximumValues)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        do {
            let value = try parser.parseValue()
            parser.skipWhitespace()
            guard parser.index == bytes.count else { return .failure(.invalid) }
            return .success(value)
        } catch {
            return .failure(error.tooManyValues ? .tooManyValues(limit: maximumValues) : .invalid)
        }
    }

    private mutating func parseValue() throws(Invalid) -> JSONValue {
        budget -= 1
        guard budget >= 0 else { throw Invalid(tooManyValues: true) }
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return .number(try parseNumber())
        }
    }

    private mutating func parseArray() throws(Invalid) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") { index += 1; return .array([]) }
        let first = elements.count
        defer { elements.removeSubrange(first...) }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            switch try next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return .array(Array(elements[first...]))
            default: throw Invalid()
            }
        }
    }

    private mutating func parseObject() throws(Invalid) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") { index += 1; return .object([:]) }
        let first = members.count
        defer { members.removeSubrange(first...) }
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw Invalid() }
            let key = try parseString()
            skipWhitespace()
            guard try next() == UInt8(ascii: ":") else { throw Invalid() }
            members.append((key, try parseValue()))
            skipWhitespace()
            switch try next() {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return .object(dictionary(of: members[first...]))
            default: throw Invalid()
            }
        }
    }

    /// Of duplicate keys, the last wins.
    private func dictionary(of members: ArraySlice<(key: String, value: JSONValue)>) -> [String: JSONValue] {
        var dictionary = [String: JSONValue](minimumCapacity: members.count)
        for (key, value) in members { dictionary[key] = value }
        return dictionary
    }

    private mutating func enterContainer() throws(Invalid) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw Invalid() }
        index += 1
    }

    // MARK: Strings

    /// From the opening quote to past the closing one.
    private mutating func parseString() throws(Invalid) -> String {
        index += 1
        var run = index  // start of the bytes not yet copied into `scratch`
        var escaped = false
        while index < bytes.count {
            skipPlainASCII()
            guard index < bytes.count else { break }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                let tail = UnsafeBufferPointer(rebasing: bytes[run..<index])
                index += 1
                // Every byte was validated on the way, so decoding has nothing to repair.
                if !escaped { return String(decoding: tail, as: UTF8.self) }
                scratch.append(contentsOf: tail)
                return String(decoding: scratch, as: UTF8.self)
            case UInt8(ascii: "\\"):
                if !escaped { scratch.removeAll(keepingCapacity: true); escaped = true }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                index += 1
                try appendEscape()
                run = index
            case 0..<0x20:
                throw Invalid()
            case 0x20..<0x80:
                index += 1
            default:
                index += try utf8SequenceLength()
            }
        }
        throw Invalid()
    }

    /// Skips eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII:
    /// most of a long string. (A word has a byte below n when `(w - n * ones) & ~w & highs` is not 0.)
    private mutating func skipPlainASCII() {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while bytes.count - index >= 8 {
            let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
            let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\""))), backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            let special = word | (word &- ones &* 0x20) & ~word | (quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes
            guard special & highs == 0 else { return }
            index += 8
        }
    }

    /// The length of the well-formed UTF-8 sequence that starts at `index` with a byte >= 0x80
    /// (Unicode Table 3-7: no overlong forms, surrogates or values above U+10FFFF).
    private func utf8SequenceLength() throws(Invalid) -> Int {
        var second: ClosedRange<UInt8> = 0x80...0xBF
        let length: Int
        switch bytes[index] {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF4: length = 4; second = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default: throw Invalid()
        }
        guard bytes.count - index >= length, second.contains(bytes[index + 1]) else { throw Invalid() }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { throw Invalid() }
        return length
    }

    /// After the backslash: appends the escaped character's UTF-8 to `scratch`.
    private mutating func appendEscape() throws(Invalid) {
        let byte = try next()
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var value = try hex4()
            if (0xD800...0xDBFF).contains(value) {
                // A high surrogate is only valid as the first half of a `\uD8xx\uDCxx` pair.
                guard try next() == UInt8(ascii: "\\"), try next() == UInt8(ascii: "u") else { throw Invalid() }
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Invalid() }
                value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else { throw Invalid() }  // a lone low surrogate
            UTF8.encode(scalar) { scratch.append($0) }
        default:
            throw Invalid()
        }
    }

    private mutating func hex4() throws(Invalid) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try next()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: Numbers

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, valued as `Double(String)` values its text.
    private mutating func parseNumber() throws(Invalid) -> Double {
        let start = index
        let negative = consume(UInt8(ascii: "-"))
        let integerStart = index
        if try peek() == UInt8(ascii: "0") { index += 1 } else { try skipDigits() }
        let integerEnd = index
        var isInteger = true
        if consume(UInt8(ascii: ".")) {
            isInteger = false
            try skipDigits()
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            isInteger = false
            _ = consume(UInt8(ascii: "+")) || consume(UInt8(ascii: "-"))
            try skipDigits()
        }
        // Up to 15 digits is below 2^53: exact as a Double, so the same value strtod would give.
        if isInteger, integerEnd - integerStart <= 15 {
            var magnitude: UInt64 = 0
            for digit in bytes[integerStart..<integerEnd] { magnitude = magnitude * 10 + UInt64(digit - UInt8(ascii: "0")) }
            return negative ? -Double(magnitude) : Double(magnitude)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Invalid() }
        return value
    }

    /// One or more.
    private mutating func skipDigits() throws(Invalid) {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        guard index > start else { throw Invalid() }
    }

    // MARK: Bytes

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private func peek() throws(Invalid) -> UInt8 {
        guard index < bytes.count else { throw Invalid() }
        return bytes[index]
    }

    private mutating func next() throws(Invalid) -> UInt8 {
        defer { index += 1 }
        return try peek()
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ word: StaticString) throws(Invalid) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Invalid() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Invalid() }
        index += count
    }
}
