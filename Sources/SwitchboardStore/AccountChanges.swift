/// What a pool reload needs to know: which rows were written since it last looked (their ids and
/// versions), where to look from next time, and how many rows the store holds (a reload that ends
/// with a different count knows rows were removed and asks for everything once).
public struct AccountChanges: Sendable, Equatable {
    /// The written rows' versions (every row's when `complete`).
    public let versions: [String: Int]
    /// The `since` of the next call.
    public let mark: Int?
    /// How many accounts the store holds.
    public let count: Int
    /// `versions` lists every row: an id not in it was removed.
    public let complete: Bool

    public init(versions: [String: Int], mark: Int?, count: Int, complete: Bool) {
        self.versions = versions
        self.mark = mark
        self.count = count
        self.complete = complete
    }
}
