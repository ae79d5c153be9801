/// What one endpoint of one account does next: a queue of one-shot behaviours played in order,
/// then a sticky default for every call after.
public struct BehaviourScript<Behaviour: Sendable & Equatable>: Sendable, Equatable {
    /// Played once each, first in first out.
    public var queue: [Behaviour]
    /// Played whenever the queue is empty.
    public var sticky: Behaviour

    public init(queue: [Behaviour] = [], sticky: Behaviour) {
        self.queue = queue
        self.sticky = sticky
    }

    /// Takes the behaviour for the call that is being answered now.
    mutating func next() -> Behaviour {
        queue.isEmpty ? sticky : queue.removeFirst()
    }

    /// Replaces the queue when `next` is given and the sticky default when `then` is given.
    mutating func apply(next: [Behaviour]?, then: Behaviour?) {
        if let next { queue = next }
        if let then { sticky = then }
    }
}

/// The control API's JSON for changing one script: `{"next": [behaviour...], "then": behaviour}`, both optional.
struct ScriptUpdate<Behaviour: Sendable & Equatable & Codable>: Codable {
    var next: [Behaviour]?
    var then: Behaviour?
}
