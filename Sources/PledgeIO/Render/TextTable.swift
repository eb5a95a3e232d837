/// A plain-text table whose columns line up in a terminal, Chinese names included.
public struct TextTable: Sendable {
    public enum Alignment: Sendable { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []
    /// Rows drawn after a rule, e.g. totals.
    public var footer: [[String]] = []

    public init(headers: [String], alignments: [Alignment]) {
        self.headers = headers
        self.alignments = alignments
    }

    public func render() -> String {
        let all = [headers] + rows + footer
        let widths = headers.indices.map { c in all.map { c < $0.count ? $0[c].displayWidth : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (c, width) in widths.enumerated() {
                let text = c < cells.count ? cells[c] : ""
                let pad = String(repeating: " ", count: width - text.displayWidth)
                parts.append(alignments[c] == .right ? pad + text : text + pad)
            }
            var s = parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        var out = [line(headers), rule] + rows.map(line)
        if !footer.isEmpty { out += [rule] + footer.map(line) }
        return out.joined(separator: "\n") + "\n"
    }
}

/// Label/value lines, labels padded to one width: the summary blocks of `show` and `report progress`.
public struct KeyValueBlock: Sendable {
    public var pairs: [(String, String)] = []
    public init() {}
    public mutating func add(_ label: String, _ value: String) { pairs.append((label, value)) }

    public func render() -> String {
        let width = pairs.map(\.0.displayWidth).max() ?? 0
        return pairs.map { label, value in
            label + String(repeating: " ", count: width - label.displayWidth) + "  " + value
        }.joined(separator: "\n") + "\n"
    }
}
