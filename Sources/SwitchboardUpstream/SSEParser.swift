#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Incremental Server-Sent Events parser: feed chunks split anywhere, get whole events.
/// Handles "\n", "\r\n" and "\r" line ends, multi-line `data:`, `event:`, `id:`, comments, a
/// leading BOM, and caps the size of one event.
///
/// Hand-written byte scanning: this runs on every streamed byte (hot path) and no SSE package
/// is available on this machine. Strings are made once per field, never per byte.
public struct SSEParser: Sendable {
    /// The default cap on one event: 16 MiB.
    public static let defaultMaxEventBytes = 16 * 1024 * 1024

    public let maxEventBytes: Int

    /// The start of a line whose end has not arrived yet.
    private var partialLine: [UInt8] = []
    /// The previous chunk ended with "\r": a "\n" opening the next one belongs to it.
    private var skipLeadingLineFeed = false
    private var atStreamStart = true
    private var data: [UInt8] = []
    private var hasData = false
    private var hasFields = false
    /// The `event:` value of the current event, kept as bytes: it becomes a String only if the event is kept.
    private var eventName: [UInt8] = []
    private var hasEventName = false
    private var eventID: String?
    /// The event names to hand on (see `init`); nil: every event.
    private var kept: [[UInt8]]?
    /// Bytes of field lines in the current event (comments excluded).
    private var eventBytes = 0

    /// With `keeping`, only events named one of those (or not named at all: their type is in their data)
    /// are handed on; the others are skipped without making strings of them. Size limits apply to all.
    public init(maxEventBytes: Int = SSEParser.defaultMaxEventBytes, keeping names: Set<String>? = nil) {
        self.maxEventBytes = maxEventBytes
        kept = names.map { $0.map { Array($0.utf8) } }
    }

    /// Parses the next chunk and returns the events it completed, in order.
    public mutating func parse(_ chunk: UnsafeRawBufferPointer) throws(SSEParserError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        if let error = scan(chunk, into: &events) {
            reset()
            throw error
        }
        return events
    }

    /// Parses the next chunk (any contiguous bytes: `[UInt8]`, `Data`, `ArraySlice`…).
    public mutating func parse<Bytes: Sequence<UInt8>>(_ chunk: Bytes) throws(SSEParserError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        let failure = chunk.withContiguousStorageIfAvailable { scan(UnsafeRawBufferPointer($0), into: &events) }
            ?? Array(chunk).withUnsafeBytes { scan($0, into: &events) }
        if let failure {
            reset()
            throw failure
        }
        return events
    }

    /// Ends the stream. Returns nil when it ended cleanly, or the event that was still open
    /// (fields received but no blank line yet): the stream was cut short mid-event.
    public mutating func finish() -> SSEEvent? {
        defer { reset() }
        if !partialLine.isEmpty {
            let line = partialLine
            _ = line.withUnsafeBytes { processLine($0) }
        }
        guard hasFields else { return nil }
        return SSEEvent(event: hasEventName ? String(decoding: eventName, as: UTF8.self) : nil, data: String(decoding: data, as: UTF8.self), id: eventID)
    }

    /// Back to the state of a new parser (same limit and filter).
    private mutating func reset() {
        let kept = kept
        self = SSEParser(maxEventBytes: maxEventBytes)
        self.kept = kept
    }

    // MARK: scanning

    private mutating func scan(_ bytes: UnsafeRawBufferPointer, into events: inout [SSEEvent]) -> SSEParserError? {
        let count = bytes.count
        var start = 0
        if skipLeadingLineFeed, count > 0 {
            skipLeadingLineFeed = false
            if bytes[0] == .lineFeed { start = 1 }
        }
        while start < count {
            var end = Self.lineEnd(in: bytes, from: start)
            if end == count {
                partialLine.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count]))
                if eventBytes + partialLine.count > maxEventBytes { return .eventTooLarge(limit: maxEventBytes) }
                break
            }
            let completed: SSEEvent?
            if partialLine.isEmpty {
                completed = processLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            } else {
                // Take the buffer out while processing (no copy), then put it back emptied.
                var line: [UInt8] = []
                swap(&line, &partialLine)
                line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                completed = line.withUnsafeBytes { processLine($0) }
                line.removeAll(keepingCapacity: true)
                partialLine = line
            }
            if eventBytes > maxEventBytes { return .eventTooLarge(limit: maxEventBytes) }
            if let completed { events.append(completed) }
            if bytes[end] == .carriageReturn {
                if end + 1 < count {
                    if bytes[end + 1] == .lineFeed { end += 1 }
                } else {
                    skipLeadingLineFeed = true
                }
            }
            start = end + 1
        }
        return nil
    }

    /// Applies one line (without its terminator); returns the event a blank line completes.
    private mutating func processLine(_ rawLine: UnsafeRawBufferPointer) -> SSEEvent? {
        var line = rawLine
        if atStreamStart {
            atStreamStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = UnsafeRawBufferPointer(rebasing: line[3...]) }
        }
        if line.isEmpty { return dispatch() }
        if line[0] == .colon { return nil }  // comment
        eventBytes += line.count + 1
        hasFields = true
        let colon = memchr(line.baseAddress!, Int32(UInt8.colon), line.count).map { line.baseAddress!.distance(to: $0) } ?? line.count
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        var valueStart = colon + 1
        if valueStart < line.count, line[valueStart] == .space { valueStart += 1 }
        let value = valueStart < line.count ? UnsafeRawBufferPointer(rebasing: line[valueStart...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        if Self.isField(name, "data") {
            if hasData { data.append(.lineFeed) }
            data.append(contentsOf: value)
            hasData = true
        } else if Self.isField(name, "event") {
            eventName.removeAll(keepingCapacity: true)
            eventName.append(contentsOf: value)
            hasEventName = true
        } else if Self.isField(name, "id") {
            if !value.contains(0) { eventID = String(decoding: value, as: UTF8.self) }
        }
        // `retry:` and unknown fields are ignored.
        return nil
    }

    /// The index of the first CR or LF at or after `start`, or `bytes.count` (memchr: SIMD-fast).
    private static func lineEnd(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count else { return bytes.count }
        let lineFeed = memchr(base + start, Int32(UInt8.lineFeed), bytes.count - start).map { base.distance(to: $0) } ?? bytes.count
        let carriageReturn = memchr(base + start, Int32(UInt8.carriageReturn), lineFeed - start).map { base.distance(to: $0) }
        return carriageReturn ?? lineFeed
    }

    /// Whether a field name equals an ASCII `literal` (no generic sequence comparison: hot path).
    private static func isField(_ name: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard name.count == literal.utf8CodeUnitCount, let base = name.baseAddress else { return false }
        return memcmp(base, literal.utf8Start, name.count) == 0
    }

    /// A blank line: emit the event when it has data (the SSE rule), then start a new one.
    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            hasFields = false
            eventName.removeAll(keepingCapacity: true)
            hasEventName = false
            eventID = nil
            eventBytes = 0
        }
        guard hasData else { return nil }
        // An empty `event:` counts as none: the type is then read from the data.
        if hasEventName, !eventName.isEmpty, let kept, !kept.contains(eventName) { return nil }
        return SSEEvent(event: hasEventName ? String(decoding: eventName, as: UTF8.self) : nil, data: String(decoding: data, as: UTF8.self), id: eventID)
    }
}

extension UInt8 {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let colon: UInt8 = 0x3A
    static let space: UInt8 = 0x20
}
