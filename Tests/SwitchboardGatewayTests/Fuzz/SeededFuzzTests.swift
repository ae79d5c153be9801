import Foundation
import Testing
import SwitchboardChat
import SwitchboardCore
@testable import SwitchboardGateway
import SwitchboardUpstream

/// Bounded, reproducible fuzzing of every hand-written parser and translator, in `swift test`: each target
/// gets a few thousand mutations of its seed corpus and must not crash and must keep its invariants.
/// `make fuzz` runs libFuzzer (Fuzz/) on the same corpus for longer.
@Suite struct SeededFuzzTests {
    static let iterations = 3000

    @Test func jsonParsingRoundTripsAndAcceptsNothingJSONSerializationRejects() {
        var mutator = SeededMutator(target: "json")
        #expect(!mutator.seeds.isEmpty)
        for _ in 0..<Self.iterations {
            let input = mutator.input()
            guard let value = JSONValue(parsing: input) else { continue }
            let written = value.encoded()
            #expect(JSONValue(parsing: written) == value, "round trip of \(input)")
            #expect((try? JSONSerialization.jsonObject(with: Data(input), options: .fragmentsAllowed)) != nil, "JSONSerialization rejects \(input)")
            #expect((try? JSONSerialization.jsonObject(with: written, options: .fragmentsAllowed)) != nil)
        }
    }

    @Test func jsonValueBudgetStopsAtTheLimit() {
        var mutator = SeededMutator(target: "json")
        for _ in 0..<Self.iterations {
            let input = mutator.input()
            guard let value = JSONValue(parsing: input) else { continue }
            let count = Self.valueCount(value)
            // A tree holds at most the values read (the last of duplicate keys wins), so one less than it is too few.
            #expect(throws: JSONValue.ParseError.tooManyValues(limit: count - 1)) { try JSONValue.parse(input, maximumValues: count - 1) }
        }
    }

    @Test func sseParsingDoesNotDependOnHowTheStreamIsCut() {
        var mutator = SeededMutator(target: "sse")
        for _ in 0..<Self.iterations {
            let input = mutator.input()
            var whole = SSEParser()
            let expected = try? whole.parse(input)
            var pieces = SSEParser()
            var events: [SSEEvent] = []
            var failed = false
            var start = 0
            while start < input.count {
                let end = min(input.count, start + 1 + mutator.next(below: 7))
                do { events += try pieces.parse(input[start..<end]) } catch { failed = true; break }
                start = end
            }
            if let expected { #expect(!failed && events == expected, "\(input)") } else { #expect(failed) }
        }
    }

    @Test func chatTranslationNeverCrashesAndYieldsAnUpstreamBody() {
        var mutator = SeededMutator(target: "chat")
        for _ in 0..<Self.iterations {
            guard let json = JSONValue(parsing: mutator.input()), let chat = try? ChatRequestTranslator.translate(json) else { continue }
            guard let upstream = try? ResponsesRequest(chat.body) else { continue }
            #expect(JSONValue(parsing: upstream.body)?["stream"] == true)
            var stream = ChatStreamTranslator(model: chat.model, includeUsage: chat.includeUsage)
            var collector = ChatCompletionCollector(model: chat.model)
            for event in Self.recordedEvents {
                _ = stream.translate(event: event.type, data: JSONValue(parsing: event.data) ?? .null)
                collector.collect(event: event.type, data: JSONValue(parsing: event.data) ?? .null)
            }
            _ = stream.finish()
            #expect((try? collector.finish()) != nil)
        }
    }

    @Test func responsesNormalisationAlwaysMeetsTheUpstreamsRules() {
        var mutator = SeededMutator(target: "responses")
        for _ in 0..<Self.iterations {
            guard let request = try? ResponsesRequest(parsing: Data(mutator.input())) else { continue }
            let body = JSONValue(parsing: request.body)
            #expect(body?["stream"] == true && body?["store"] == false)
            #expect(body?["instructions"]?.stringValue != nil && body?["input"]?.arrayValue != nil)
            #expect(ResponsesRequest.unsupportedFields.allSatisfy { body?[$0] == nil })
        }
    }

    @Test func authFileReadingNeverCrashes() {
        var mutator = SeededMutator(target: "auth")
        var read = 0
        for _ in 0..<Self.iterations where (try? CodexAuthFile(data: Data(mutator.input()))) != nil { read += 1 }
        #expect(read > 0)
    }

    static func valueCount(_ value: JSONValue) -> Int {
        switch value {
        case .array(let elements): 1 + elements.reduce(0) { $0 + valueCount($1) }
        case .object(let members): 1 + members.values.reduce(0) { $0 + valueCount($1) }
        default: 1
        }
    }

    static let recordedEvents: [SSEEvent] = {
        var parser = SSEParser()
        let complete = SeededMutator(target: "sse").seeds.first { String(decoding: $0, as: UTF8.self).contains("response.completed") }
        return (try? parser.parse(complete ?? [])) ?? []
    }()
}
