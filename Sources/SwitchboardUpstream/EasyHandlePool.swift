import CCurl

/// Easy handles kept after their transfer ends and reset (`curl_easy_reset`) for the next one: a new
/// transfer then skips allocating a handle and its download buffer. Touched only on the loop thread.
final class EasyHandlePool: @unchecked Sendable {
    private var spare: [UnsafeMutableRawPointer] = []
    private let limit: Int

    init(limit: Int = 64) {
        self.limit = limit
    }

    /// A reset handle from the pool, else a new one (nil when curl cannot make one).
    func take() -> UnsafeMutableRawPointer? {
        spare.popLast() ?? curl_easy_init()
    }

    /// Takes back a handle that is off the multi handle; beyond the limit it is freed.
    func recycle(_ easy: UnsafeMutableRawPointer) {
        guard spare.count < limit else { return curl_easy_cleanup(easy) }
        curl_easy_reset(easy)
        spare.append(easy)
    }

    func freeAll() {
        for easy in spare { curl_easy_cleanup(easy) }
        spare = []
    }
}
