import Foundation

/// JSON as the CLI prints it: UTF-8, keys sorted, pretty-printed, slashes unescaped.
public enum JSONOutput {
    public static func render<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self) + "\n"
    }
}
