import Foundation
import SwitchboardCore

/// Server-Sent Events framing of the Chat stream, in one place.
public enum ChatStreamFrame {
    /// The last frame of every Chat stream, after success or failure.
    public static let done = Data("data: [DONE]\n\n".utf8)

    /// `data: <json>\n\n`.
    public static func data(_ json: JSONValue) -> Data {
        var frame = Data("data: ".utf8)
        frame.append(json.encoded())
        frame.append(contentsOf: Array("\n\n".utf8))
        return frame
    }

    /// The frame for one translator output.
    public static func data(_ output: ChatStreamOutput) -> Data { data(output.json) }
}
