import SwitchboardChat
import SwitchboardCore
import Testing

@Suite("Chat requests that cannot be translated")
struct ChatRequestErrorTests {
    static let cases: [RequestErrorCase] = [
        RequestErrorCase(name: "body that is not an object", chat: ["not", "an", "object"], param: nil),
        RequestErrorCase(name: "missing model", chat: ["messages": [["role": "user", "content": "Hi"]]], param: "model"),
        RequestErrorCase(name: "model that is not a string", chat: chatBody(["model": 5]), param: "model"),
        RequestErrorCase(name: "missing messages", chat: ["model": "gpt-5"], param: "messages"),
        RequestErrorCase(name: "empty messages", chat: chatBody(messages: []), param: "messages"),
        RequestErrorCase(name: "messages that is not an array", chat: chatBody(messages: "Hi"), param: "messages"),
        RequestErrorCase(name: "message that is not an object", chat: chatBody(messages: ["Hi"]), param: "messages[0]"),
        RequestErrorCase(name: "message without role", chat: chatBody(messages: [["content": "Hi"]]), param: "messages[0].role"),
        RequestErrorCase(name: "unknown role", chat: chatBody(messages: [["role": "robot", "content": "Hi"]]), param: "messages[0].role"),
        RequestErrorCase(name: "legacy function role", chat: chatBody(messages: [["role": "function", "name": "f", "content": "x"]]), param: "messages[0].role"),
        RequestErrorCase(name: "content of the wrong type", chat: chatBody(messages: [
            ["role": "system", "content": "a"], ["role": "user", "content": "b"], ["role": "user", "content": 42],
        ]), param: "messages[2].content"),
        RequestErrorCase(name: "user message without content", chat: chatBody(messages: [["role": "user"]]), param: "messages[0].content"),
        RequestErrorCase(name: "text part whose text is not a string", chat: chatBody(messages: [
            ["role": "user", "content": [["type": "text", "text": 1]]],
        ]), param: "messages[0].content[0].text"),
        RequestErrorCase(name: "unknown content part type", chat: chatBody(messages: [
            ["role": "user", "content": [["type": "video", "video": "x"]]],
        ]), param: "messages[0].content[0].type"),
        RequestErrorCase(name: "image part without url", chat: chatBody(messages: [
            ["role": "user", "content": [["type": "image_url", "image_url": ["detail": "low"]]]],
        ]), param: "messages[0].content[0].image_url.url"),
        RequestErrorCase(name: "input_audio content part", chat: chatBody(messages: [
            ["role": "user", "content": [["type": "text", "text": "listen"], ["type": "input_audio", "input_audio": ["data": "AAA", "format": "wav"]]]],
        ]), param: "messages[0].content[1]"),
        RequestErrorCase(name: "assistant audio reference", chat: chatBody(messages: [
            ["role": "user", "content": "Hi"], ["role": "assistant", "audio": ["id": "audio_1"]],
        ]), param: "messages[1].audio"),
        RequestErrorCase(name: "audio output parameter", chat: chatBody(["audio": ["voice": "alloy", "format": "wav"]]), param: "audio"),
        RequestErrorCase(name: "audio modality", chat: chatBody(["modalities": ["text", "audio"]]), param: "modalities[1]"),
        RequestErrorCase(name: "system content with an image part", chat: chatBody(messages: [
            ["role": "system", "content": [["type": "image_url", "image_url": ["url": "x"]]]],
        ]), param: "messages[0].content[0].type"),
        RequestErrorCase(name: "tool message without tool_call_id", chat: chatBody(messages: [["role": "tool", "content": "x"]]), param: "messages[0].tool_call_id"),
        RequestErrorCase(name: "tool message content that is an object", chat: chatBody(messages: [
            ["role": "tool", "tool_call_id": "c", "content": ["a": 1]],
        ]), param: "messages[0].content"),
        RequestErrorCase(name: "assistant tool call without id", chat: chatBody(messages: [
            ["role": "assistant", "tool_calls": [["type": "function", "function": ["name": "f", "arguments": "{}"]]]],
        ]), param: "messages[0].tool_calls[0].id"),
        RequestErrorCase(name: "assistant tool call arguments that are not a string", chat: chatBody(messages: [
            ["role": "assistant", "tool_calls": [["id": "c", "type": "function", "function": ["name": "f", "arguments": ["a": 1]]]]],
        ]), param: "messages[0].tool_calls[0].function.arguments"),
        RequestErrorCase(name: "n other than 1", chat: chatBody(["n": 2]), param: "n"),
        RequestErrorCase(name: "n that is not an integer", chat: chatBody(["n": "one"]), param: "n"),
        RequestErrorCase(name: "tools that is not an array", chat: chatBody(["tools": ["type": "function"]]), param: "tools"),
        RequestErrorCase(name: "tool of a type other than function", chat: chatBody(["tools": [["type": "web_search"]]]), param: "tools[0].type"),
        RequestErrorCase(name: "function tool without name", chat: chatBody(["tools": [["type": "function", "function": ["description": "x"]]]]), param: "tools[0].function.name"),
        RequestErrorCase(name: "function parameters that are not an object", chat: chatBody([
            "tools": [["type": "function", "function": ["name": "f", "parameters": "none"]]],
        ]), param: "tools[0].function.parameters"),
        RequestErrorCase(name: "unknown tool_choice mode", chat: chatBody(["tool_choice": "always"]), param: "tool_choice"),
        RequestErrorCase(name: "tool_choice function without name", chat: chatBody(["tool_choice": ["type": "function", "function": [:]]]), param: "tool_choice.function.name"),
        RequestErrorCase(name: "parallel_tool_calls that is not a boolean", chat: chatBody(["parallel_tool_calls": "yes"]), param: "parallel_tool_calls"),
        RequestErrorCase(name: "unknown response_format type", chat: chatBody(["response_format": ["type": "xml"]]), param: "response_format.type"),
        RequestErrorCase(name: "json_schema format without json_schema", chat: chatBody(["response_format": ["type": "json_schema"]]), param: "response_format.json_schema"),
        RequestErrorCase(name: "json_schema format without name", chat: chatBody([
            "response_format": ["type": "json_schema", "json_schema": ["schema": ["type": "object"]]],
        ]), param: "response_format.json_schema.name"),
        RequestErrorCase(name: "reasoning_effort that is not a string", chat: chatBody(["reasoning_effort": 3]), param: "reasoning_effort"),
        RequestErrorCase(name: "stream that is not a boolean", chat: chatBody(["stream": "true"]), param: "stream"),
        RequestErrorCase(name: "include_usage that is not a boolean", chat: chatBody(["stream_options": ["include_usage": 1]]), param: "stream_options.include_usage"),
        RequestErrorCase(name: "prompt_cache_key that is not a string", chat: chatBody(["prompt_cache_key": 7]), param: "prompt_cache_key"),
    ]

    @Test(arguments: cases)
    func rejectsRequest(_ row: RequestErrorCase) {
        #expect {
            _ = try ChatRequestTranslator.translate(row.chat)
        } throws: { error in
            guard let error = error as? ChatRequestError else { return false }
            return error.param == row.param && !error.message.isEmpty
        }
    }

    @Test func errorMessageNamesTheField() {
        do {
            _ = try ChatRequestTranslator.translate(chatBody(messages: [["role": "user", "content": 1]]))
            Issue.record("expected an error")
        } catch {
            #expect(error.param == "messages[0].content")
            #expect(error.message.contains("messages[0].content"))
        }
    }
}
