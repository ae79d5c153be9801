import Foundation
import SwitchboardChat
import SwitchboardCore
import Testing

@Suite("SSE framing of the Chat stream")
struct ChatStreamFrameTests {
    @Test func chunkIsFramedAsOneDataEvent() {
        let frame = ChatStreamFrame.data(ChatStreamOutput.chunk(["object": "chat.completion.chunk", "choices": []]))
        #expect(String(decoding: frame, as: UTF8.self) == "data: {\"choices\":[],\"object\":\"chat.completion.chunk\"}\n\n")
    }

    @Test func failureIsFramedAsAnErrorEnvelope() {
        var translator = ChatStreamTranslator(model: "gpt-5", includeUsage: false)
        let failure = translator.finish()
        let text = String(decoding: ChatStreamFrame.data(failure[0]), as: UTF8.self)
        #expect(text.hasPrefix("data: {\"error\":{"))
        #expect(text.contains("\"code\":\"upstream_stream_truncated\""))
        #expect(text.hasSuffix("}}\n\n"))
    }

    @Test func doneIsTheLastFrame() {
        #expect(String(decoding: ChatStreamFrame.done, as: UTF8.self) == "data: [DONE]\n\n")
    }
}
