import Foundation

/// Text made safe for HTML element content and attribute values.
enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A whole page: inline style only, no external asset (not even a favicon request), reloaded every `refresh` seconds without script.
    static func document(title: String, refresh: Int? = nil, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
        \(refresh.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? "")
        <title>\(escape(title))</title>
        <style>\(style)</style></head>
        <body>\(body)</body></html>
        """
    }

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d2330;background:#f7f8fa}
        h1{font-size:1.3rem;margin:0 0 .2rem}h2{font-size:1.05rem;margin:1.6rem 0 .5rem}
        table{border-collapse:collapse;background:#fff;width:100%}
        th,td{padding:.35rem .55rem;border-bottom:1px solid #e3e6ec;text-align:left;vertical-align:top}
        th{font-weight:600;color:#56607a;font-size:.8rem;text-transform:uppercase}
        .bar{width:9rem;height:.7rem;background:#e3e6ec;border-radius:3px;overflow:hidden}
        .bar span{display:block;height:100%;background:#3b82f6}.bar.high span{background:#dc2626}
        .status{font-weight:600}.active{color:#15803d}.rate_limited,.auth_retrying{color:#b45309}
        .paused{color:#56607a}.deactivated{color:#b91c1c}
        .muted{color:#6b7387;font-size:.85rem}code{background:#eef0f4;padding:.1rem .3rem;border-radius:3px}
        .summary span{margin-right:1.5rem}svg{background:#fff;border:1px solid #e3e6ec}
        """
}
