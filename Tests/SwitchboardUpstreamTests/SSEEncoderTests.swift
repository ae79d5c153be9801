import Testing

@testable import SwitchboardUpstream

struct SSEEncoderTests {
    @Test func writesEventIdAndData() {
        let bytes = SSEEncoder.encode(SSEEvent(event: "response.completed", data: "{}", id: "3"))
        #expect(String(decoding: bytes, as: UTF8.self) == "event: response.completed\nid: 3\ndata: {}\n\n")
    }

    @Test func multiLineDataBecomesSeveralDataLines() {
        let bytes = SSEEncoder.encode(SSEEvent(data: "a\nb\r\nc\rd"))
        #expect(String(decoding: bytes, as: UTF8.self) == "data: a\ndata: b\ndata: c\ndata: d\n\n")
    }

    @Test func lineBreaksInTheEventNameCannotForgeFields() {
        let bytes = SSEEncoder.encode(SSEEvent(event: "x\ndata: forged", data: "1"))
        #expect(String(decoding: bytes, as: UTF8.self) == "event: xdata: forged\ndata: 1\n\n")
    }

    @Test func encodedEventsParseBack() throws {
        let events = [
            SSEEvent(event: "a", data: ""),
            SSEEvent(data: " leading space\n\ntrailing\n"),
            SSEEvent(event: "b", data: "{\"k\":\"v\"}", id: "9"),
        ]
        var bytes: [UInt8] = []
        for event in events { SSEEncoder.encode(event, into: &bytes) }
        var parser = SSEParser()
        #expect(try parser.parse(bytes) == events)
    }
}
