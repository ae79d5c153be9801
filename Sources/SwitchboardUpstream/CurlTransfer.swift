import CCurl
import SwitchboardCore

/// Settings every transfer shares, read once from the environment (curl itself reads the
/// proxy variables `http_proxy`, `https_proxy`, `no_proxy`, `all_proxy`).
struct CurlSharedSettings: Sendable {
    /// `CURL_CA_BUNDLE`, else `SSL_CERT_FILE`.
    var caBundle: String?
    /// `SSL_CERT_DIR`.
    var caDirectory: String?

    init(environment: [String: String]) {
        caBundle = [environment["CURL_CA_BUNDLE"], environment["SSL_CERT_FILE"]].compactMap { $0 }.first { !$0.isEmpty }
        caDirectory = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// One request on the curl loop: its easy handle, the memory curl reads from, and the head
/// being assembled. Touched only on the loop thread; curl's callbacks find it through an
/// unretained pointer while the loop's table keeps it alive.
final class CurlTransfer {
    let id: Int
    let easy: UnsafeMutableRawPointer
    let channel: TransferChannel
    let timeouts: TimeoutPolicy
    /// Paused because the consumer is behind; idle time does not count while paused.
    var paused = false
    /// When the last byte (head or body) arrived, or the transfer started or resumed.
    var lastActivity = ContinuousClock.now
    let startedAt = ContinuousClock.now

    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var requestBody: UnsafeMutableRawBufferPointer?
    private var headLines: [HTTPHeader] = []
    private(set) var headDelivered = false

    /// Configures `easy` (a new or reset handle) for `request`; on a throw the caller still owns `easy`.
    init(id: Int, easy: UnsafeMutableRawPointer, request: UpstreamRequest, channel: TransferChannel, settings: CurlSharedSettings) throws(TransportError) {
        self.id = id
        self.easy = easy
        self.channel = channel
        self.timeouts = request.timeouts
        do {
            try configure(request, settings: settings)
        } catch {
            release()
            throw error
        }
    }

    /// Frees the memory curl read from (the loop recycles the handle); call after removing it from the multi handle.
    func release() {
        curl_slist_free_all(headerList)
        headerList = nil
        requestBody?.deallocate()
        requestBody = nil
    }

    private func configure(_ request: UpstreamRequest, settings: CurlSharedSettings) throws(TransportError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(sb_easy_setopt_string(easy, CURLOPT_URL, request.url))
        try check(sb_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        try check(sb_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context))
        try check(sb_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        try check(sb_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        try check(sb_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1))
        try check(sb_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, 64 * 1024))
        try check(sb_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, request.timeouts.connect.roundedUpMilliseconds))
        if let total = request.timeouts.total {
            try check(sb_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, total.roundedUpMilliseconds))
        }
        if request.url.utf8.starts(with: "https:".utf8) {
            // Join a connection that is still negotiating HTTP/2 instead of opening another.
            try check(sb_easy_setopt_long(easy, CURLOPT_PIPEWAIT, 1))
        }
        if let caBundle = settings.caBundle { try check(sb_easy_setopt_string(easy, CURLOPT_CAINFO, caBundle)) }
        if let caDirectory = settings.caDirectory { try check(sb_easy_setopt_string(easy, CURLOPT_CAPATH, caDirectory)) }
        try configureMethodAndBody(request)
        try configureHeaders(request)
        try check(sb_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        try check(sb_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size * count))
        })
        try check(sb_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        try check(sb_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size * count))
        })
    }

    private func configureMethodAndBody(_ request: UpstreamRequest) throws(TransportError) {
        let method = request.method
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw TransportError(.other, "invalid request method")
        }
        guard let body = request.body ?? (method == "POST" ? [] : nil) else {
            switch method {
            case "GET": try check(sb_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
            case "HEAD": try check(sb_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
            default: try check(sb_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
            }
            return
        }
        // curl reads the body from this buffer while sending; it lives until `release()`.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(body.count, 1), alignment: 1)
        body.withUnsafeBytes { buffer.copyMemory(from: $0) }
        requestBody = buffer
        try check(sb_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        try check(sb_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, buffer.baseAddress))
        if method != "POST" { try check(sb_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)) }
    }

    private func configureHeaders(_ request: UpstreamRequest) throws(TransportError) {
        // Each line is assembled in one reused buffer (curl copies it): no String per header.
        var line: [UInt8] = []
        line.reserveCapacity(256)
        func append(_ name: String, _ separator: StaticString, _ value: String = "") throws(TransportError) {
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: name.utf8)
            line.append(contentsOf: UnsafeBufferPointer(start: separator.utf8Start, count: separator.utf8CodeUnitCount))
            line.append(contentsOf: value.utf8)
            line.append(0)
            let list = line.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { curl_slist_append(headerList, $0.baseAddress) }
            }
            guard let list else { throw TransportError(.other, "out of memory building headers") }
            headerList = list
        }
        for header in request.headers {
            guard Self.isValidFieldName(header.name), !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw TransportError(.other, "request header with an invalid name or a line break in its value")
            }
            // "Name;" is curl's spelling of a header with an empty value ("Name:" would remove it).
            if header.value.isEmpty { try append(header.name, ";") } else { try append(header.name, ": ", header.value) }
        }
        if request.body != nil, request.headers.value(for: "Expect") == nil {
            try append("Expect", ":")  // no 100-continue round trip for large bodies
        }
        if let headerList { try check(sb_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)) }
    }

    private static func isValidFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ":")
        }
    }

    private func check(_ code: CURLcode) throws(TransportError) {
        if code != CURLE_OK { throw TransportError(.other, "could not configure the transfer (curl \(code.rawValue))") }
    }

    // MARK: callbacks (loop thread)

    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now
        if headDelivered { return bytes.count }  // trailers after the body: not needed
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        if end == 0 {
            // The blank line. A 1xx head is followed by the real one; the real one is handed over with
            // the first body bytes (or at the end of a bodiless answer), so the consumer wakes once for
            // both and writes them on together.
            let status = responseCode()
            if (100..<200).contains(status), status != 101 { headLines = [] }
        } else if bytes.starts(with: "HTTP/".utf8) {
            headLines = []
        } else if let colon = bytes[..<end].firstIndex(of: UInt8(ascii: ":")) {
            // The value without the optional whitespace around it (spaces and tabs).
            var valueStart = colon + 1, valueEnd = end
            while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self)
            let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]), as: UTF8.self)
            headLines.append(HTTPHeader(name, value))
        }
        return bytes.count
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now
        // Offered before the head is delivered, so the consumer finds the first bytes when it wakes.
        let accepted = bytes.isEmpty || channel.offer(bytes)
        if !headDelivered { deliverHead() }
        if accepted { return bytes.count }
        paused = true
        return SB_CURL_WRITEFUNC_PAUSE
    }

    /// Hands the head to the consumer once: with the first body bytes, or when the transfer ends.
    func deliverHead() {
        guard !headDelivered else { return }
        headDelivered = true
        channel.receiveHead(.init(status: responseCode(), headers: headLines))
        headLines = []
    }

    /// Resumes a transfer paused for backpressure; curl may call back into `receiveBody` at once.
    func resume() -> CURLcode {
        guard paused else { return CURLE_OK }
        paused = false
        lastActivity = .now
        return curl_easy_pause(easy, Int32(SB_CURLPAUSE_CONT))
    }

    private func responseCode() -> Int {
        var code = 0
        _ = sb_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// What the loop needs to name a curl failure.
    var failureContext: CurlFailureContext {
        var connectMicros: curl_off_t = 0
        _ = sb_easy_getinfo_off_t(easy, CURLINFO_CONNECT_TIME_T, &connectMicros)
        return CurlFailureContext(connected: headDelivered || connectMicros > 0, headReceived: headDelivered, timeouts: timeouts)
    }
}
