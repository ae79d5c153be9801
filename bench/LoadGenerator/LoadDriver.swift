import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Runs one load plan on one event loop. Everything here is confined to that loop: no locks.
final class LoadDriver {
    let plan: LoadPlan
    let eventLoop: EventLoop
    let stats: LoadStats
    private let promise: EventLoopPromise<LoadResult>
    private let requestHead: HTTPRequestHead
    private let bodyBuffer: ByteBuffer

    private var connections: [ConnectionHandler?]
    private var idle: [Int] = []
    /// Intended send times (uptime ns) of requests that are due but found no idle connection.
    private var backlog = RingQueue()
    private var pendingConnects = 0
    private var nextToConnect = 0
    private var sentPerConnection: [Int]

    /// Uptime ns when the schedule starts, when measuring starts and when it ends.
    private(set) var startNanos: UInt64 = 0
    private(set) var measureStart: UInt64 = 0
    private(set) var measureEnd: UInt64 = 0
    private var interval: UInt64 = 0
    private var totalScheduled = 0
    private var nextScheduled = 0
    private var finishedSending = false
    private var inFlight = 0
    private var done = false
    private var drainTask: Scheduled<Void>?
    private var hardStop: Scheduled<Void>?

    init(plan: LoadPlan, eventLoop: EventLoop) {
        self.plan = plan
        self.eventLoop = eventLoop
        self.promise = eventLoop.makePromise()
        self.stats = LoadStats(sse: plan.sse)
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: plan.method), uri: plan.target.path)
        head.headers.add(name: "Host", value: plan.target.hostHeader)
        head.headers.add(name: "User-Agent", value: "switchboard-load")
        if !plan.body.isEmpty || plan.method != "GET" {
            head.headers.add(name: "Content-Length", value: String(plan.body.count))
            if !plan.headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                head.headers.add(name: "Content-Type", value: "application/json")
            }
        }
        for (name, value) in plan.headers { head.headers.add(name: name, value: value) }
        self.requestHead = head
        var buffer = ByteBufferAllocator().buffer(capacity: plan.body.count)
        buffer.writeBytes(plan.body)
        self.bodyBuffer = buffer
        self.connections = Array(repeating: nil, count: plan.connections)
        self.sentPerConnection = Array(repeating: 0, count: plan.connections)
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    func start() -> EventLoopFuture<LoadResult> {
        stats.connectStart = Self.now()
        // Hard bound on the whole run, opening the connections included.
        let budget = 30 + plan.warmup + plan.duration + plan.drainTimeout
        hardStop = eventLoop.scheduleTask(in: .nanoseconds(Int64(budget * 1e9))) { self.finish(timedOut: true) }
        openMoreConnections()
        return promise.futureResult
    }

    // MARK: connections

    private func openMoreConnections() {
        while nextToConnect < plan.connections && pendingConnects < max(1, plan.connectBatch) {
            let index = nextToConnect
            nextToConnect += 1
            connect(index)
        }
    }

    private func connect(_ index: Int) {
        pendingConnects += 1
        let handler = ConnectionHandler(driver: self, index: index, sse: plan.sse)
        ClientBootstrap(group: eventLoop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: plan.target.host, port: plan.ports[index % plan.ports.count])
            .whenComplete { result in
                self.pendingConnects -= 1
                switch result {
                case .success:
                    self.connections[index] = handler
                    self.connectionReady(index)
                case .failure:
                    self.stats.connectErrors += 1
                    if self.startNanos == 0 {
                        // Still opening the pool: retry a few times, then carry on without this one.
                        if self.stats.connectErrors <= self.plan.connections * 3 {
                            self.eventLoop.scheduleTask(in: .milliseconds(50)) { self.connect(index) }
                            return
                        }
                    } else if !self.finishedSending {
                        self.eventLoop.scheduleTask(in: .milliseconds(50)) { self.connect(index) }
                    }
                }
                if self.startNanos == 0 { self.openMoreConnections(); self.startIfConnected() }
            }
    }

    private func connectionReady(_ index: Int) {
        if startNanos == 0 {
            openMoreConnections()
            idle.append(index)
            startIfConnected()
        } else {
            becameIdle(index)
        }
    }

    private func startIfConnected() {
        guard startNanos == 0, nextToConnect >= plan.connections, pendingConnects == 0 else { return }
        stats.connectEnd = Self.now()
        stats.connectionsOpened = connections.compactMap { $0 }.count
        guard stats.connectionsOpened > 0 else {
            promise.succeed(stats.result(measuredNanos: 1))
            done = true
            return
        }
        beginSchedule()
    }

    /// A connection closed. A request on it counts as an error; it is replaced while the run goes on.
    func connectionLost(_ index: Int, hadRequest: Bool) {
        connections[index] = nil
        idle.removeAll { $0 == index }
        // Closed by `finish` (the window is over): not an error of the target.
        guard !done else { return }
        if hadRequest {
            stats.transportErrors += 1
            inFlight -= 1
        }
        if !finishedSending || (plan.requestsPerConnection > 0 && sentPerConnection[index] < plan.requestsPerConnection) {
            stats.reconnects += 1
            connect(index)
        } else {
            checkFinished()
        }
    }

    // MARK: schedule

    private func beginSchedule() {
        let now = Self.now()
        startNanos = now
        measureStart = now + UInt64(plan.warmup * 1e9)
        measureEnd = measureStart + UInt64(plan.duration * 1e9)
        if let rate = plan.rate {
            interval = UInt64(1e9 / rate)
            totalScheduled = Int(((plan.warmup + plan.duration) * rate).rounded())
            pace()
        } else {
            if plan.requestsPerConnection > 0 { measureStart = now; measureEnd = now + UInt64(plan.duration * 1e9) }
            let ready = idle
            idle.removeAll()
            for index in ready { sendClosedLoop(on: index) }
            if plan.requestsPerConnection == 0 {
                eventLoop.scheduleTask(deadline: .uptimeNanoseconds(measureEnd)) { self.stopSending() }
            }
        }
        // Hard bound on the whole run.
        let limit = measureEnd + UInt64(plan.drainTimeout * 1e9)
        drainTask = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(limit)) { self.finish(timedOut: true) }
    }

    /// Open loop: enqueue every request that is due, hand the backlog to idle connections, sleep until the next.
    private func pace() {
        let now = Self.now()
        while nextScheduled < totalScheduled {
            let due = startNanos + UInt64(nextScheduled) * interval
            if due > now { break }
            if due >= measureStart { stats.recordScheduleLag(now - due) }
            backlog.push(due)
            nextScheduled += 1
        }
        while !backlog.isEmpty, let index = idle.popLast() {
            send(intended: backlog.pop(), on: index)
        }
        // Requests still waiting: every connection is busy (the target is queueing them).
        stats.maxBacklog = max(stats.maxBacklog, backlog.count)
        if nextScheduled < totalScheduled {
            let due = startNanos + UInt64(nextScheduled) * interval
            eventLoop.scheduleTask(deadline: .uptimeNanoseconds(due)) { self.pace() }
        } else {
            finishedSending = true
            checkFinished()
        }
    }

    private func stopSending() {
        // Closed loop: the window is over; answers still in flight would not count, so stop here.
        finishedSending = true
        finish(timedOut: false)
    }

    private func sendClosedLoop(on index: Int) {
        if finishedSending { idle.append(index); checkFinished(); return }
        if plan.requestsPerConnection > 0 && sentPerConnection[index] >= plan.requestsPerConnection {
            idle.append(index)
            if sentPerConnection.allSatisfy({ $0 >= plan.requestsPerConnection }) { finishedSending = true }
            checkFinished()
            return
        }
        send(intended: Self.now(), on: index)
    }

    private func send(intended: UInt64, on index: Int) {
        guard let connection = connections[index] else { return }
        sentPerConnection[index] += 1
        inFlight += 1
        let now = Self.now()
        if intended >= measureStart { stats.recordSendDelay(now &- intended) }
        connection.send(head: requestHead, body: bodyBuffer, intended: intended)
    }

    /// A connection finished its answer.
    func completed(_ index: Int, _ exchange: Exchange) {
        inFlight -= 1
        if plan.openLoop {
            // Every request due in the window counts, however late it ends.
            if exchange.intended >= measureStart && exchange.intended < measureEnd { stats.record(exchange) }
        } else if plan.requestsPerConnection > 0 {
            stats.record(exchange)
        } else if exchange.end >= measureStart && exchange.end <= measureEnd {
            // Closed loop: the answers that ended inside the window (throughput = their count / duration).
            stats.record(exchange)
        } else if exchange.end > measureEnd {
            stats.lateCompletions += 1
        }
        becameIdle(index)
    }

    private func becameIdle(_ index: Int) {
        if plan.openLoop {
            if !backlog.isEmpty { send(intended: backlog.pop(), on: index) } else { idle.append(index); checkFinished() }
        } else {
            sendClosedLoop(on: index)
        }
    }

    private func checkFinished() {
        guard finishedSending, inFlight == 0, backlog.isEmpty else { return }
        finish(timedOut: false)
    }

    private func finish(timedOut: Bool) {
        guard !done else { return }
        done = true
        drainTask?.cancel()
        hardStop?.cancel()
        if timedOut {
            stats.timedOut = inFlight + backlog.count
            if plan.openLoop { stats.timedOut += max(0, totalScheduled - nextScheduled) }
            if plan.requestsPerConnection > 0 {
                stats.timedOut = plan.connections * plan.requestsPerConnection - stats.completed - stats.transportErrors
            }
        }
        let end = Self.now()
        let measured: UInt64
        if startNanos == 0 {
            measured = end - stats.connectStart
        } else if plan.openLoop || plan.requestsPerConnection > 0 {
            measured = (plan.requestsPerConnection > 0 ? end : min(end, measureEnd)) - measureStart
        } else {
            measured = measureEnd - measureStart
        }
        stats.wallNanos = end - startNanos
        for connection in connections { connection?.close() }
        promise.succeed(stats.result(measuredNanos: max(1, measured)))
    }
}

/// One request's timings (uptime ns) and outcome.
struct Exchange {
    var intended: UInt64 = 0
    var sent: UInt64 = 0
    var firstEvent: UInt64 = 0
    var end: UInt64 = 0
    var status: Int = 0
    var bytes: Int = 0
    var events: Int = 0
    var completedEvent = false
}

/// A FIFO of UInt64 without per-element allocation.
struct RingQueue {
    private var storage: [UInt64] = []
    private var head = 0
    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }

    mutating func push(_ value: UInt64) { storage.append(value) }

    mutating func pop() -> UInt64 {
        let value = storage[head]
        head += 1
        if head > 4096 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return value
    }
}
