import Foundation
import Testing
import SwitchboardCore

@Suite struct JSONValueEncodingTests {
    static let values: [JSONValue] = [
        nil, true, false, 0, -0.0, 1, -1, 42, 0.5, -2.5, 0.1, 1e-7, 1e-5, 0.001, 4.35, 100.5, 1234.5678,
        1.5e300, .number(.leastNonzeroMagnitude), 1.7976931348623157e308, 2.2250738585072014e-308, 8_999_999_999_999_999, -8_999_999_999_999_999,
        9e15, -9e15, 9_007_199_254_740_992, 1e16, 1e21, 1e22, 123_456_789_012_345_678, 1_000_000_000_000_000.5, 3e-10,
        "", "plain", "a/b </script>", "quote \" backslash \\ solidus /", "\u{8}\u{c}\n\r\t", "\u{0}\u{1}\u{b}\u{e}\u{1a}\u{1f} \u{7f}",
        "é e\u{301} 中文 😀 👍🏽 \u{2028}\u{2029} \u{FEFF} \u{10FFFF}",
        [], [:], [nil, [1, [2, [3]]], ["a": []]],
        ["b": 1, "a": 2, "B": 3, "A": 4, "_": 5, "a10": 6, "a9": 7, "": 8, "1": 9, "10": 10, "2": 11],
        ["é": 1, "e\u{301}x": 2, "f": 3, "z": 4, "ä": 5, "中": 6, "😀": 7, "\u{FF5E}": 8, "\u{1}": 9, "\"": 10],
        ["id": "resp_1", "object": "response", "usage": ["input_tokens": 12, "output_tokens": 345], "output": [["type": "message", "content": [["type": "output_text", "text": "Hi!\n"]]]]],
    ]

    @Test(arguments: values)
    func matchesJSONEncoder(value: JSONValue) throws {
        #expect(value.encoded() == (try Self.jsonEncoderOutput(value)))
    }

    @Test func matchesJSONEncoderOnRandomValues() throws {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<2_000 {
            let value = RandomJSON.value(using: &rng)
            let encoded = value.encoded()
            #expect(encoded == (try Self.jsonEncoderOutput(value)), "\(String(decoding: encoded, as: UTF8.self))")
        }
    }

    @Test func roundTripsRandomValues() {
        var rng = SeededGenerator(seed: 0xC0FFEE)
        for _ in 0..<5_000 {
            let value = RandomJSON.value(using: &rng)
            #expect(JSONValue(parsing: value.encoded()) == value, "\(String(decoding: value.encoded(), as: UTF8.self))")
        }
    }

    /// JSONEncoder failed on these, which made the whole document `null`.
    @Test func nonFiniteNumbersAreNull() {
        let value: JSONValue = ["a": .number(.nan), "b": [.number(.infinity), .number(-.infinity)], "c": 1]
        #expect(String(decoding: value.encoded(), as: UTF8.self) == #"{"a":null,"b":[null,null],"c":1}"#)
    }

    @Test func bytesAreTheSameAsData() {
        let value: JSONValue = ["k": [1, "two", nil, 3.5]]
        var appended = Array("prefix:".utf8)
        value.write(into: &appended)
        #expect(value.encodedBytes() == Array(value.encoded()))
        #expect(appended == Array("prefix:".utf8) + value.encodedBytes())
    }

    /// What `encoded()` was before it was hand-written.
    static func jsonEncoderOutput(_ value: JSONValue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
