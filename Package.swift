// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "switchboard",
    // Synchronization.Mutex and Atomic need macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        // LD_PRELOAD allocation counter for the allocation budget test and `make bench` (not linked into anything).
        .library(name: "SwitchboardAllocationCounter", type: .dynamic, targets: ["AllocationCounter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        // Codex's WebSocket transport (server side; the client half drives the tests).
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // The server's channel handlers (protocol hardening) work on NIO's HTTP parts; Hummingbird brings both.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // gzip/deflate request bodies (zlib); zstd ones go through the system libzstd (CZstd).
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // Benchmark tools only (bench/): the load generator's HTTP client and latency histograms.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        // The shared store when several instances run (SWITCHBOARD_DATABASE_URL=postgres://…).
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Pure domain: statuses, the failure catalog, lifecycle rules, balancer, JWT claims.
        .target(
            name: "SwitchboardCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // SQLite (system libsqlite3 through GRDB): migrations, repositories, change watching.
        .target(
            name: "SwitchboardStore",
            dependencies: [
                "SwitchboardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedMigrationsPlugin"]
        ),
        // Thin C shim over libcurl: curl's setopt/getinfo are variadic and not callable from Swift.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(name: "AllocationCounter"),
        // Upstream HTTP over libcurl, SSE, typed clients.
        .target(
            name: "SwitchboardUpstream",
            dependencies: [
                "SwitchboardCore", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The system libzstd (zstd request bodies; Codex compresses bodies for a provider named `openai`).
        // glibc's <malloc.h> (mallopt): `serve` keeps one malloc arena per core.
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // Chat Completions <-> Responses translation: pure functions, no I/O.
        .target(name: "SwitchboardChat", dependencies: ["SwitchboardCore"]),
        // The server: routes, proxy + failover, credentials, background services, metrics.
        .target(
            name: "SwitchboardGateway",
            dependencies: [
                "SwitchboardCore", "SwitchboardStore", "SwitchboardUpstream", "SwitchboardChat", "CZstd",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Scriptable fake of the ChatGPT backend and the OpenAI auth server (tests, demo, bench).
        .target(
            name: "MockUpstream",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SwitchboardCore", "SwitchboardStore", "SwitchboardUpstream", "SwitchboardGateway", "MockUpstream", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            plugins: ["EmbedVersionPlugin"]
        ),
        // Build tool: writes BuildVersion.swift (VERSION + git commit) before every build of the CLI.
        .plugin(name: "EmbedVersionPlugin", capability: .buildTool(), path: "Sources/EmbedVersionPlugin"),
        // Build tool: embeds migrations/*.sql into the Store module so the binary is self-contained
        // and the SQL has one home (the .sql files), never a copy in Swift source.
        .executableTarget(name: "MigrationEmbedder"),
        .plugin(
            name: "EmbedMigrationsPlugin",
            capability: .buildTool(),
            dependencies: ["MigrationEmbedder"],
            path: "Sources/EmbedMigrationsPlugin"
        ),
        // Benchmark tools (bench/run.sh): the HTTP load generator and the Balancer.pick micro-benchmark.
        .executableTarget(
            name: "switchboard-load",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "bench/LoadGenerator",
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "switchboard-pick-bench",
            dependencies: ["SwitchboardCore", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "bench/PickBenchmark"
        ),
        // What the integration tests share: the gateway harness, the CLI runner, scoped servers, `eventually`.
        .target(
            name: "SwitchboardTestSupport",
            dependencies: [
                "SwitchboardGateway", "SwitchboardStore", "SwitchboardCore", "SwitchboardUpstream", "MockUpstream",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/SwitchboardTestSupport"
        ),
        .testTarget(name: "SwitchboardCoreTests", dependencies: ["SwitchboardCore"]),
        .testTarget(
            name: "SwitchboardStoreTests",
            dependencies: ["SwitchboardStore", "SwitchboardCore", "SwitchboardTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "SwitchboardUpstreamTests",
            dependencies: [
                "SwitchboardUpstream", "SwitchboardCore", "MockUpstream", "SwitchboardTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(name: "SwitchboardChatTests", dependencies: ["SwitchboardChat"]),
        .testTarget(
            name: "SwitchboardGatewayTests",
            dependencies: [
                "SwitchboardGateway", "SwitchboardStore", "SwitchboardCore", "SwitchboardUpstream", "MockUpstream",
                "SwitchboardTestSupport",
                "switchboard",  // scenarios run `switchboard accounts …`/`keys …` as the operator would
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "CompressNIO", package: "compress-nio"),
                "CZstd",
            ]
        ),
        // The `switchboard` binary as the operator runs it: admin commands, login flows, `serve`.
        .testTarget(
            name: "SwitchboardCLITests",
            dependencies: [
                "switchboard", "SwitchboardTestSupport", "SwitchboardStore", "SwitchboardCore", "SwitchboardUpstream", "MockUpstream",
            ]
        ),
        // The scriptable mock upstream's own behaviour.
        .testTarget(
            name: "MockUpstreamTests",
            dependencies: [
                "MockUpstream", "SwitchboardTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
