/// Writes events in Server-Sent Events form: `event: X`, `id: Y`, one `data:` line per line of
/// the data, and a blank line.
public enum SSEEncoder {
    public static func encode(_ event: SSEEvent) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(event.data.utf8.count + (event.event?.utf8.count ?? 0) + 16)
        encode(event, into: &bytes)
        return bytes
    }

    /// Appends `event` to `bytes`.
    public static func encode(_ event: SSEEvent, into bytes: inout [UInt8]) {
        if let name = event.event {
            bytes.append(contentsOf: "event: ".utf8)
            appendSingleLine(name, to: &bytes)
        }
        if let id = event.id {
            bytes.append(contentsOf: "id: ".utf8)
            appendSingleLine(id, to: &bytes)
        }
        // Every line break in the data ("\n", "\r\n" or "\r") starts a new `data:` line.
        var utf8 = event.data.utf8[...]
        while true {
            bytes.append(contentsOf: "data: ".utf8)
            guard let lineEnd = utf8.firstIndex(where: { $0 == .lineFeed || $0 == .carriageReturn }) else {
                bytes.append(contentsOf: utf8)
                bytes.append(.lineFeed)
                break
            }
            bytes.append(contentsOf: utf8[..<lineEnd])
            bytes.append(.lineFeed)
            var next = utf8.index(after: lineEnd)
            if utf8[lineEnd] == .carriageReturn, next < utf8.endIndex, utf8[next] == .lineFeed { next = utf8.index(after: next) }
            utf8 = utf8[next...]
        }
        bytes.append(.lineFeed)
    }

    /// A field value that must stay on one line: line breaks would start a forged field.
    private static func appendSingleLine(_ value: String, to bytes: inout [UInt8]) {
        for byte in value.utf8 where byte != .lineFeed && byte != .carriageReturn {
            bytes.append(byte)
        }
        bytes.append(.lineFeed)
    }
}
