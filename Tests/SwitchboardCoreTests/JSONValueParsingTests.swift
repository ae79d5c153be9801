import Dispatch
import Foundation
import Testing
import SwitchboardCore

@Suite struct JSONValueParsingTests {
    static let documents: [String] = [
        #"null"#, #"true"#, #"false"#, #"0"#, #"-0"#, #"-0.0"#, #"42"#, #"-17"#, #""""#, #""text""#,
        #"  {"a" : [1, 2.5, -3e2, true, false, null] }  "#,
        "\n\t\r [ {} , [] , {\"\":\"\"} ]\r\n",
        #"{"a":{"b":{"c":{"d":[[[["deep"]]]]}}}}"#,
        #"{"id":"resp_1","usage":{"input_tokens":12,"output_tokens":345,"total_tokens":357},"temperature":1.0,"top_p":0.95}"#,
        #"{"a":1,"a":2,"b":{"x":1},"b":[3]}"#,
        #""\"\\\/\b\f\n\r\t""#,
        #""\u0000\u001f\u0020\u007f\u00e9\u00E9\u4e2d\uffff\ufffe""#,
        #""\ud83d\ude00 \uD83D\uDE00 \udbff\udfff \ud800\udc00""#,
        "\"raw unicode: é 中文 😀 👍🏽 \u{2028} \u{7f}\"",
        #"{"é":"e-acute","e\u0301":"combining","中":"zh","😀":"emoji"}"#,
        #"[0.1, 0.2, 0.30000000000000004, 1e-7, 1E+5, 1e308, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 1e-400, -1e-400]"#,
        #"[9007199254740991, 9007199254740992, 9007199254740993, 999999999999999, 1000000000000000, 123456789012345678]"#,
        #"[9223372036854775807, 9223372036854775808, 18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809]"#,
        #"[123456789012345678901234567890, -123456789012345678901234567890.5, 12345678901234567890e-10]"#,
        #"[0e0, 0E-0, 0.0e+0, -0e5, 1.5e300, 4.35, 100.5, 1234.5678, 3.141592653589793]"#,
        #"{"nested":[{"a":[{"b":[{"c":null}]}]}],"empty_obj":{},"empty_arr":[]}"#,
    ]

    @Test(arguments: documents)
    func agreesWithJSONSerialization(document: String) throws {
        let expected = try Self.foundationValue(Data(document.utf8))
        #expect(JSONValue(parsing: Data(document.utf8)) == expected)
        #expect(JSONValue(parsing: document) == expected)
    }

    @Test func agreesWithJSONSerializationOnRandomDocuments() throws {
        var rng = SeededGenerator(seed: 0x5EED)
        for _ in 0..<2_000 {
            let value = RandomJSON.value(using: &rng)
            // Without U+FEFF: JSONSerialization drops it at the start of a string (see below).
            let text = String(String.UnicodeScalarView(String(decoding: value.encoded(), as: UTF8.self).unicodeScalars.filter { $0 != "\u{FEFF}" }))
            let compact = Data(text.utf8)
            let pretty = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: compact, options: .fragmentsAllowed), options: [.prettyPrinted, .fragmentsAllowed])
            for data in [compact, pretty] {
                #expect(JSONValue(parsing: data) == (try Self.foundationValue(data)), "\(String(decoding: data, as: UTF8.self))")
            }
        }
    }

    /// Bit for bit what `Double(String)` gives, -0 and subnormals included.
    @Test func numbersAreValuedLikeDoubleFromString() {
        var rng = SeededGenerator(seed: 42)
        var texts = ["0", "-0", "-0.0", "1", "-1", "999999999999999", "-999999999999999", "1000000000000000",
                     "9007199254740993", "0.30000000000000004", "2.2250738585072011e-308", "4.9406564584124654e-324",
                     "1e-400", "-1e-400", "1.7976931348623157e308", "1.7976931348623158e308", "123456789012345678901234567890123456789012345678901234567890",
                     "0.1e1", "10E-1", "1e+0", "7.038531e-26", "1448997445238699e0", "8.988465674311579e307"]
        for _ in 0..<20_000 {
            let value = Double(bitPattern: rng.next())
            guard value.isFinite else { continue }
            texts.append("\(value)")
            texts.append(String(Int64.random(in: .min ... .max, using: &rng)))
            texts.append("\(Int.random(in: -99_999...99_999, using: &rng)).\(Int.random(in: 0...99_999, using: &rng))e\(Int.random(in: -330...310, using: &rng))")
        }
        for text in texts {
            let expected = Double(text)!
            let parsed = JSONValue(parsing: text)?.doubleValue
            // Beyond Double's range is not a number JSONValue can hold: rejected, as JSONSerialization does.
            #expect(parsed?.bitPattern == (expected.isFinite ? expected.bitPattern : nil), "\(text)")
        }
    }

    static let rejected: [String] = [
        "", " ", "nul", "tru", "True", "NULL", "undefined", "NaN", "Infinity", "-Infinity",
        "[,1]", "[1,,2]", "{,}", "[", "]", "{", "}", "[1", #"{"a":1"#, "[1 2]", #"{"a" 1}"#,
        #"{"a":}"#, "{1:1}", "{a:1}", "{'a':1}", #"{"a":1 "b":2}"#,
        "01", "-01", "00", "1.", ".5", "-", "+1", "1e", "1e+", "1.e5", "0x10", "1_000", "--1", "1.5.5", "1e5e5", "1E400", "-1e400",
        "\"abc", "\"a\u{01}b\"", "\"a\tb\"", "\"a\nb\"", #""\x""#, #""\'""#, #""\u12""#, #""\u00zz""#, #""\U0041""#,
        #""\ud800""#, #""\ud800x""#, #""\udc00""#, #""\ud800\ud800""#, #""\ud800\u0041""#, #""\ud800\n""#, #""\udfff\ud800""#,
        "[1] x", "1 2", "nullx", "truefalse", "1x", "1/", "/*c*/1", "1//c", "'a'", "\u{0B}1", "\u{0C}1", "\u{A0}1", "[1]\u{0}",
    ]

    @Test(arguments: rejected)
    func rejectsWhatJSONSerializationRejects(document: String) {
        #expect(JSONValue(parsing: document) == nil)
        #expect(JSONValue(parsing: Data(document.utf8)) == nil)
        #expect((try? JSONSerialization.jsonObject(with: Data(document.utf8), options: .fragmentsAllowed)) == nil)
    }

    /// JSONSerialization on Linux accepts these; RFC 8259 does not.
    @Test(arguments: ["[1,]", #"{"a":1,}"#, #"[{"a":[1,],},]"#, "1\u{0}"])
    func rejectsTrailingCommasAndTrailingNUL(document: String) {
        #expect(JSONValue(parsing: document) == nil)
    }

    @Test(arguments: [[0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22],
                      [0x22, 0xF0, 0x9F, 0x98, 0x22], [0x22, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
                      [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], [0x22, 0x5C, 0x6E, 0xFF, 0x22], [0x22, 0xE2, 0x82, 0x5C, 0x75, 0x30, 0x30, 0x41, 0x43, 0x22],
                      [0xFF, 0x31], [0x31, 0xFF], [0xEF, 0xBB, 0xBF], [0xEF, 0xBB, 0x31]] as [[UInt8]])
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(JSONValue(parsing: bytes) == nil)
        #expect((try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)) == nil)
    }

    @Test func readsAByteOrderMarkLikeJSONSerialization() {
        #expect(JSONValue(parsing: [0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
    }

    /// Long runs are scanned eight bytes at a time: a special byte must be seen at any offset.
    @Test func findsSpecialBytesAtEveryOffset() {
        let specials = [(#"\""#, "\""), (#"\n"#, "\n"), (#"\u00e9"#, "é"), ("é", "é"), ("😀", "😀"), ("\u{7f}", "\u{7f}")]
        for offset in 0..<20 {
            let (a, b) = (String(repeating: "a", count: offset), String(repeating: "b", count: 19 - offset))
            for (escaped, character) in specials {
                #expect(JSONValue(parsing: "\"\(a)\(escaped)\(b)\"") == .string(a + character + b))
            }
            #expect(JSONValue(parsing: "\"\(a)\u{1}\(b)\"") == nil)
            #expect(JSONValue(parsing: Array("\"\(a)".utf8) + [0xFF] + Array("\(b)\"".utf8)) == nil)
            #expect(JSONValue(parsing: "\"\(a)\(b)") == nil)
        }
    }

    /// JSONSerialization drops U+FEFF at the start of a string or right after an escape, taking it
    /// for a byte order mark; it is content.
    @Test func keepsZeroWidthNoBreakSpaceInStrings() {
        #expect(JSONValue(parsing: "[\"\u{FEFF}x\",\"\\n\u{FEFF}\"]") == ["\u{FEFF}x", "\n\u{FEFF}"])
    }

    @Test func theLastDuplicateKeyWins() {
        #expect(JSONValue(parsing: #"{"a":1,"b":0,"a":{"c":2}}"#) == ["a": ["c": 2], "b": 0])
    }

    @Test func nestingStopsAt512Levels() {
        func nested(_ depth: Int, open: String = "[", close: String = "]") -> String {
            String(repeating: open, count: depth) + String(repeating: close, count: depth)
        }
        #expect(JSONValue(parsing: nested(512)) != nil)
        #expect(JSONValue(parsing: nested(513)) == nil)
        let mixed = nested(256, open: #"{"k":["#, close: "]}")  // 512 levels
        #expect(JSONValue(parsing: mixed) != nil)
        #expect(JSONValue(parsing: "[\(mixed)]") == nil)
        #expect(JSONValue(parsing: String(repeating: "[", count: 100_000)) == nil)
        #expect(JSONValue(parsing: nested(100_000)) == nil)
        #expect(JSONValue(parsing: String(repeating: #"{"a":"#, count: 100_000)) == nil)
    }

    @Test func everyInputTypeParsesTheSame() {
        let text = #"{"x":[1,"é",null]}"#
        let expected: JSONValue = ["x": [1, "é", nil]]
        #expect(JSONValue(parsing: text) == expected)
        #expect(JSONValue(parsing: "  \(text)  ".dropFirst(2).dropLast(2)) == expected)
        #expect(JSONValue(parsing: Array(text.utf8)) == expected)
        #expect(JSONValue(parsing: Data(text.utf8)) == expected)
        #expect(JSONValue(parsing: Data("..\(text)".utf8).dropFirst(2)) == expected)
        // Not contiguous: two regions, copied once before parsing.
        var split = DispatchData.empty
        for part in [text.prefix(7), text.dropFirst(7)] {
            Array(part.utf8).withUnsafeBytes { split.append($0) }
        }
        #expect(split.withContiguousStorageIfAvailable { _ in true } == nil)
        #expect(JSONValue(parsing: split) == expected)
    }

    /// JSONSerialization's reading with a lossless conversion: NSDecimalNumber (used for long numbers)
    /// through its exact decimal text rather than its rounded `doubleValue`.
    static func foundationValue(_ data: Data) throws -> JSONValue {
        func convert(_ object: Any) -> JSONValue {
            switch object {
            case let string as String: .string(string)
            case let decimal as NSDecimalNumber: .number(Double(decimal.description)!)
            case let number as NSNumber: String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.doubleValue)
            case let array as [Any]: .array(array.map(convert))
            case let object as [String: Any]: .object(object.mapValues(convert))
            default: .null
            }
        }
        return convert(try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed))
    }
}
