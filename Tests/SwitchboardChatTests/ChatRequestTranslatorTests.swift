import SwitchboardChat
import SwitchboardCore
import Testing

@Suite("Chat request → Responses request")
struct ChatRequestTranslatorTests {
    static let cases: [RequestCase] = [
        RequestCase(name: "model is copied and a user string becomes input_text", chat: chatBody(), expected: [
            "model": "gpt-5", "input": [userItem("Hi")], "instructions": nil,
        ]),
        RequestCase(name: "system and developer messages join into instructions", chat: chatBody(messages: [
            ["role": "system", "content": "Be brief."],
            ["role": "developer", "content": [["type": "text", "text": "Use French."], ["type": "text", "text": "No emoji."]]],
            ["role": "user", "content": "Hi"],
        ]), expected: ["instructions": "Be brief.\n\nUse French.\nNo emoji.", "input": [userItem("Hi")]]),
        RequestCase(name: "user text and image parts become input_text and input_image", chat: chatBody(messages: [
            ["role": "user", "name": "ann", "content": [
                ["type": "text", "text": "What is this?"],
                ["type": "image_url", "image_url": ["url": "https://x/cat.png", "detail": "low"]],
                ["type": "image_url", "image_url": ["url": "data:image/png;base64,AAAA"]],
            ]],
        ]), expected: ["input": [[
            "type": "message", "role": "user", "content": [
                ["type": "input_text", "text": "What is this?"],
                ["type": "input_image", "image_url": "https://x/cat.png", "detail": "low"],
                ["type": "input_image", "image_url": "data:image/png;base64,AAAA"],
            ],
        ]]]),
        RequestCase(name: "user file parts become input_file", chat: chatBody(messages: [
            ["role": "user", "content": [["type": "file", "file": ["file_id": "file-1"]]]],
        ]), expected: ["input": [["type": "message", "role": "user", "content": [["type": "input_file", "file_id": "file-1"]]]]]),
        RequestCase(name: "assistant text and tool calls become output_text and function_call items", chat: chatBody(messages: [
            ["role": "user", "content": "Weather?"],
            ["role": "assistant", "content": "Checking.", "tool_calls": [
                ["id": "call_1", "type": "function", "function": ["name": "weather", "arguments": "{\"city\":\"Paris\"}"]],
                ["id": "call_2", "type": "function", "function": ["name": "time", "arguments": "{}"]],
            ]],
            ["role": "tool", "tool_call_id": "call_1", "content": "sunny"],
            ["role": "tool", "tool_call_id": "call_2", "content": [["type": "text", "text": "12:"], ["type": "text", "text": "00"]]],
        ]), expected: ["input": [
            userItem("Weather?"),
            ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": "Checking."]]],
            ["type": "function_call", "call_id": "call_1", "name": "weather", "arguments": "{\"city\":\"Paris\"}"],
            ["type": "function_call", "call_id": "call_2", "name": "time", "arguments": "{}"],
            ["type": "function_call_output", "call_id": "call_1", "output": "sunny"],
            ["type": "function_call_output", "call_id": "call_2", "output": "12:00"],
        ]]),
        RequestCase(name: "assistant with null content and only tool calls adds no message item", chat: chatBody(messages: [
            ["role": "user", "content": "Go"],
            ["role": "assistant", "content": nil, "tool_calls": [["id": "c", "type": "function", "function": ["name": "f", "arguments": "{}"]]]],
        ]), expected: ["input": [userItem("Go"), ["type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"]]]),
        RequestCase(name: "function tools are flattened, strict defaults to false", chat: chatBody([
            "tools": [
                ["type": "function", "function": ["name": "weather", "description": "Get weather", "parameters": ["type": "object", "properties": ["city": ["type": "string"]]], "strict": true]],
                ["type": "function", "function": ["name": "now"]],
            ],
        ]), expected: ["tools": [
            ["type": "function", "name": "weather", "description": "Get weather", "parameters": ["type": "object", "properties": ["city": ["type": "string"]]], "strict": true],
            ["type": "function", "name": "now", "parameters": ["type": "object", "properties": [:]], "strict": false],
        ]]),
        RequestCase(name: "tool_choice auto is copied", chat: chatBody(["tool_choice": "auto"]), expected: ["tool_choice": "auto"]),
        RequestCase(name: "tool_choice none is copied", chat: chatBody(["tool_choice": "none"]), expected: ["tool_choice": "none"]),
        RequestCase(name: "tool_choice required is copied", chat: chatBody(["tool_choice": "required"]), expected: ["tool_choice": "required"]),
        RequestCase(name: "tool_choice naming a function is flattened", chat: chatBody([
            "tool_choice": ["type": "function", "function": ["name": "weather"]],
        ]), expected: ["tool_choice": ["type": "function", "name": "weather"]]),
        RequestCase(name: "parallel_tool_calls is copied", chat: chatBody(["parallel_tool_calls": false]), expected: ["parallel_tool_calls": false]),
        RequestCase(name: "response_format text becomes text.format", chat: chatBody(["response_format": ["type": "text"]]), expected: [
            "text": ["format": ["type": "text"]],
        ]),
        RequestCase(name: "response_format json_object becomes text.format", chat: chatBody(["response_format": ["type": "json_object"]]), expected: [
            "text": ["format": ["type": "json_object"]],
        ]),
        RequestCase(name: "response_format json_schema is flattened into text.format", chat: chatBody([
            "response_format": ["type": "json_schema", "json_schema": ["name": "answer", "schema": ["type": "object"], "strict": true]],
        ]), expected: ["text": ["format": ["type": "json_schema", "name": "answer", "schema": ["type": "object"], "strict": true]]]),
        RequestCase(name: "reasoning_effort becomes reasoning.effort", chat: chatBody(["reasoning_effort": "high"]), expected: [
            "reasoning": ["effort": "high"],
        ]),
        RequestCase(name: "prompt_cache_key is copied", chat: chatBody(["prompt_cache_key": "conv-42"]), expected: ["prompt_cache_key": "conv-42"]),
        RequestCase(name: "n of 1 is accepted and not forwarded", chat: chatBody(["n": 1]), expected: ["n": nil]),
        RequestCase(name: "unknown message fields and Chat-only parameters are dropped", chat: chatBody([
            "stop": ["\n"], "logprobs": true, "stream": true, "stream_options": ["include_usage": true],
        ], messages: [["role": "user", "content": "Hi", "weird": 1]]), expected: [
            "input": [userItem("Hi")], "stop": nil, "logprobs": nil, "stream": nil, "stream_options": nil,
        ]),
        RequestCase(name: "max_completion_tokens becomes max_output_tokens", chat: chatBody(["max_completion_tokens": 100]), expected: [
            "max_output_tokens": 100,
        ]),
    ]

    @Test(arguments: cases)
    func mapsRequest(_ row: RequestCase) throws {
        let body = try ChatRequestTranslator.translate(row.chat).body
        for (key, value) in row.expected {
            #expect(body[key] == value, "\(key)")
        }
    }

    @Test func streamAndIncludeUsageAreReportedForTheResponseSide() throws {
        let streaming = try ChatRequestTranslator.translate(chatBody(["stream": true, "stream_options": ["include_usage": true]]))
        #expect(streaming.stream && streaming.includeUsage && streaming.model == "gpt-5")
        let plain = try ChatRequestTranslator.translate(chatBody(["stream": true]))
        #expect(plain.stream && !plain.includeUsage)
        let blocking = try ChatRequestTranslator.translate(chatBody())
        #expect(!blocking.stream && !blocking.includeUsage)
    }
}
