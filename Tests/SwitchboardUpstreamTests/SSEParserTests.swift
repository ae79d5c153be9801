import Testing

@testable import SwitchboardUpstream

/// `SSEParser` over awkward input: arbitrary splits, every line ending, comments, caps, tails.
struct SSEParserTests {
    /// A stream that mixes every line ending, comments, multi-line data and ids.
    static let sample = Array(
        (": keep-alive comment\n"
            + "event: response.created\ndata: {\"a\":1}\n\n"
            + "event: response.output_text.delta\r\ndata: line one\r\ndata:line two\r\nid: 7\r\n\r\n"
            + "data:  two spaces\rdata\r\r"
            + "retry: 100\nunknown: x\n:comment\nevent: response.completed\ndata: {\"done\":true}\n\n").utf8)

    static let sampleEvents = [
        SSEEvent(event: "response.created", data: "{\"a\":1}"),
        SSEEvent(event: "response.output_text.delta", data: "line one\nline two", id: "7"),
        SSEEvent(data: " two spaces\n"),
        SSEEvent(event: "response.completed", data: "{\"done\":true}"),
    ]

    @Test func theWholeSampleParses() throws {
        var parser = SSEParser()
        #expect(try parser.parse(Self.sample) == Self.sampleEvents)
        #expect(parser.finish() == nil)
    }

    @Test func everySingleSplitPointGivesTheSameEvents() throws {
        for split in 0...Self.sample.count {
            var parser = SSEParser()
            var events = try parser.parse(Self.sample[..<split])
            events += try parser.parse(Self.sample[split...])
            #expect(events == Self.sampleEvents, "split at \(split)")
            #expect(parser.finish() == nil)
        }
    }

    @Test func everyPairOfSplitPointsGivesTheSameEvents() throws {
        let bytes = Self.sample
        for first in stride(from: 0, through: bytes.count, by: 1) {
            for second in first...bytes.count {
                var parser = SSEParser()
                var events = try parser.parse(bytes[..<first])
                events += try parser.parse(bytes[first..<second])
                events += try parser.parse(bytes[second...])
                if events != Self.sampleEvents {
                    Issue.record("splits at \(first), \(second)")
                    return
                }
            }
        }
    }

    @Test func aParserKeepingSomeNamesHandsOnOnlyThoseAndTheUnnamedOnesWhateverTheSplit() throws {
        let kept = Self.sampleEvents.filter { $0.event == nil || $0.event == "response.completed" }
        for split in 0...Self.sample.count {
            var parser = SSEParser(keeping: ["response.completed"])
            var events = try parser.parse(Self.sample[..<split])
            events += try parser.parse(Self.sample[split...])
            #expect(events == kept, "split at \(split)")
        }
        var parser = SSEParser(keeping: ["response.completed"])
        #expect(try parser.parse(Array("event:\ndata: {\"type\":\"x\"}\n\n".utf8)) == [SSEEvent(event: "", data: #"{"type":"x"}"#)], "an empty name is no name")
        var limited = SSEParser(maxEventBytes: 16, keeping: [])
        #expect(throws: SSEParserError.eventTooLarge(limit: 16)) { try limited.parse(Array("event: skipped\ndata: 0123456789abcdef\n\n".utf8)) }
    }

    @Test func byteByByteGivesTheSameEvents() throws {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for byte in Self.sample { events += try parser.parse([byte]) }
        #expect(events == Self.sampleEvents)
    }

    @Test func crlfSplitBetweenChunksIsOneLineEnd() throws {
        var parser = SSEParser()
        var events = try parser.parse(Array("data: a\r".utf8))
        events += try parser.parse(Array("\n\r".utf8))
        events += try parser.parse(Array("\ndata: b\n\n".utf8))
        #expect(events == [SSEEvent(data: "a"), SSEEvent(data: "b")])
    }

    @Test func onlyOneLeadingSpaceIsStrippedAndAColonlessLineIsAnEmptyField() throws {
        var parser = SSEParser()
        let events = try parser.parse(Array("data:   x \ndata\ndata:\n\n".utf8))
        #expect(events == [SSEEvent(data: "  x \n\n")])
    }

    @Test func anEventWithoutDataIsNotDispatched() throws {
        var parser = SSEParser()
        let events = try parser.parse(Array("event: ping\n\nevent: real\ndata: 1\n\n".utf8))
        #expect(events == [SSEEvent(event: "real", data: "1")])
    }

    @Test func commentsAndALeadingByteOrderMarkAreIgnored() throws {
        var parser = SSEParser()
        let events = try parser.parse([0xEF, 0xBB, 0xBF] + Array(":hello\n: x\ndata: 1\n:between\n\n".utf8))
        #expect(events == [SSEEvent(data: "1")])
    }

    @Test func anOversizeEventThrows() throws {
        var parser = SSEParser(maxEventBytes: 64)
        #expect(throws: SSEParserError.eventTooLarge(limit: 64)) {
            for _ in 0..<10 { _ = try parser.parse(Array("data: 0123456789\n".utf8)) }
        }
    }

    @Test func anOversizeUnterminatedLineThrows() throws {
        var parser = SSEParser(maxEventBytes: 64)
        #expect(throws: SSEParserError.eventTooLarge(limit: 64)) {
            for _ in 0..<10 { _ = try parser.parse(Array("data: 0123456789".utf8)) }
        }
    }

    @Test func theCapIsPerEvent() throws {
        var parser = SSEParser(maxEventBytes: 64)
        var events: [SSEEvent] = []
        for _ in 0..<100 { events += try parser.parse(Array("data: 0123456789\n\n".utf8)) }
        #expect(events.count == 100)
    }

    @Test func anUnterminatedTailIsReportedByFinish() throws {
        var parser = SSEParser()
        let events = try parser.parse(Array("data: 1\n\nevent: response.output_text.delta\ndata: {\"par".utf8))
        #expect(events == [SSEEvent(data: "1")])
        #expect(parser.finish() == SSEEvent(event: "response.output_text.delta", data: "{\"par"))
        #expect(parser.finish() == nil)
    }

    @Test func aTrailingCommentIsNotAnUnterminatedEvent() throws {
        var parser = SSEParser()
        _ = try parser.parse(Array("data: 1\n\n: keep-alive".utf8))
        #expect(parser.finish() == nil)
    }

    @Test func largeInputParsesQuickly() throws {
        let event = Array("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"hello world\"}\n\n".utf8)
        let chunk = Array((0..<1000).map { _ in event }.joined())
        var parser = SSEParser()
        var count = 0
        for _ in 0..<20 { count += try parser.parse(chunk).count }
        #expect(count == 20_000)
    }
}
