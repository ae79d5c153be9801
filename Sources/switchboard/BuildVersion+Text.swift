extension BuildVersion {
    /// How every output names this build: `--version`, `/health`, the first log line of `serve`.
    static var text: String { "\(number) (\(commit))" }
}
