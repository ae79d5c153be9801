// The SSE parser: the events must not depend on how the byte stream is cut into chunks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = SSEParser()
    let expected = try? whole.parse(input)
    var pieces = SSEParser()
    var events: [SSEEvent] = []
    var start = 0
    // The first byte (when there is one) sets the chunk size, so libFuzzer explores the cuts too.
    let step = 1 + Int(input.first ?? 0) % 7
    while start < input.count {
        let end = min(input.count, start + step)
        guard let parsed = try? pieces.parse(input[start..<end]) else {
            if expected != nil { fatalError("a chunked parse failed where the whole parse did not") }
            return 0
        }
        events += parsed
        start = end
    }
    if let expected, expected != events { fatalError("events depend on chunking") }
    if expected == nil { fatalError("the whole parse failed where the chunked parse did not") }
    return 0
}
