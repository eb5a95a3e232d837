import PledgeCore

/// An inline SVG chart: monthly amounts as bars, the cumulative amount as a line, the target as a
/// dashed line. Hand-built (a few shapes) so the HTML report needs nothing from the network.
public struct SVGChart: Sendable {
    public struct Point: Sendable {
        public var month: YearMonth
        public var amount: Fen
        public var cumulative: Fen
        public init(month: YearMonth, amount: Fen, cumulative: Fen) {
            self.month = month
            self.amount = amount
            self.cumulative = cumulative
        }
    }

    public var points: [Point]
    public var target: Fen?
    public var language: Language

    public init(points: [Point], target: Fen?, language: Language) {
        self.points = points
        self.target = target
        self.language = language
    }

    public func render(width: Int = 880, height: Int = 320) -> String {
        let left = 70, right = 20, top = 20, bottom = 40
        let plotW = Double(width - left - right), plotH = Double(height - top - bottom)
        let maxCumulative = max(points.map(\.cumulative.value).max() ?? 0, target?.value ?? 0, 1)
        let maxBar = max(points.map(\.amount.value).max() ?? 0, 1)
        let n = max(points.count, 1)
        let slot = plotW / Double(n)
        func y(_ v: Int64, _ scale: Int64) -> Double { Double(top) + plotH * (1 - Double(v) / Double(scale)) }
        func f(_ d: Double) -> String { String(Int((d * 10).rounded())) .inserting(".") }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" class=\"chart\">"
        svg += "<title>\(language.pick("累计金额与目标", "Cumulative amount and target"))</title>"
        // Axes and grid (4 lines, labelled in 万元 of the cumulative scale).
        for i in 0...4 {
            let v = maxCumulative * Int64(i) / 4
            let yy = y(v, maxCumulative)
            svg += "<line x1=\"\(left)\" y1=\"\(f(yy))\" x2=\"\(width - right)\" y2=\"\(f(yy))\" class=\"grid\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(f(yy + 4))\" class=\"axis\" text-anchor=\"end\">\(Fen(v).formatted(.wan, decimals: 0, grouping: true))</text>"
        }
        // Monthly bars on their own scale (bar heights up to 40 % of the plot).
        for (i, p) in points.enumerated() {
            let h = plotH * 0.4 * Double(p.amount.value) / Double(maxBar)
            let x = Double(left) + slot * Double(i) + slot * 0.15
            svg += "<rect x=\"\(f(x))\" y=\"\(f(Double(top) + plotH - h))\" width=\"\(f(slot * 0.7))\" height=\"\(f(h))\" class=\"bar\">"
            svg += "<title>\(p.month): \(p.amount.wanDisplay) 万元</title></rect>"
        }
        // Cumulative line.
        let path = points.enumerated().map { i, p in
            (i == 0 ? "M" : "L") + f(Double(left) + slot * (Double(i) + 0.5)) + " " + f(y(p.cumulative.value, maxCumulative))
        }.joined(separator: " ")
        if !path.isEmpty { svg += "<path d=\"\(path)\" class=\"cumulative\"/>" }
        if let target {
            let yy = y(target.value, maxCumulative)
            svg += "<line x1=\"\(left)\" y1=\"\(f(yy))\" x2=\"\(width - right)\" y2=\"\(f(yy))\" class=\"target\"/>"
            svg += "<text x=\"\(width - right)\" y=\"\(f(yy - 6))\" class=\"axis\" text-anchor=\"end\">\(language.pick("目标", "target")) \(target.wanDisplay) 万元</text>"
        }
        // Month labels: at most 12.
        let step = max(1, points.count / 12)
        for (i, p) in points.enumerated() where i % step == 0 {
            svg += "<text x=\"\(f(Double(left) + slot * (Double(i) + 0.5)))\" y=\"\(height - bottom + 18)\" class=\"axis\" text-anchor=\"middle\">\(p.month)</text>"
        }
        svg += "<text x=\"\(left)\" y=\"12\" class=\"axis\">\(language.pick("万元（累计，红线）；柱：当月金额（另按比例）", "万元 (cumulative, red line); bars: month's amount (own scale)"))</text>"
        return svg + "</svg>"
    }
}

private extension String {
    /// "1234" (tenths) → "123.4"; "-5" → "-0.5".
    func inserting(_ dot: Character) -> String {
        var digits = self
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        while digits.count < 2 { digits = "0" + digits }
        digits.insert(dot, at: digits.index(before: digits.endIndex))
        return (negative ? "-" : "") + digits
    }
}
