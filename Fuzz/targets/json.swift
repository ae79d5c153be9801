import Foundation

// JSONValue parsing and writing: what parses must write back to the same value, and must be JSON to
// JSONSerialization too (ours is the stricter of the two; see JSONValue+Parsing.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let value = JSONValue(parsing: input) else { return 0 }
    let written = value.encoded()
    guard JSONValue(parsing: written) == value else { fatalError("round trip changed the value") }
    guard (try? JSONSerialization.jsonObject(with: Data(input), options: .fragmentsAllowed)) != nil else {
        fatalError("accepted what JSONSerialization rejects")
    }
    if (try? JSONValue.parse(input, maximumValues: 0)) != nil { fatalError("the value budget was not enforced") }
    return 0
}
