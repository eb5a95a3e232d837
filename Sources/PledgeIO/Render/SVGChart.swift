import PledgeCore

/// An inline SVG chart: monthly amounts as bars (right axis), the cumulative amount as a line (left axis), the target
/// as a dashed line; for a progress report also the projection at the trailing pace and the pace needed to reach the
/// target by the window's end, from the last month counted to the window's end. Both axes and every line are labelled.
/// Hand-built (a few shapes) so the HTML report needs nothing from the network.
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

    /// The months counted so far.
    public var points: [Point]
    public var target: Fen?
    public var language: Language
    /// The months after the last point the chart extends to (the rest of a target's window).
    public var futureMonths = 0
    /// Per month: at the trailing pace (projection) and as needed to reach the target by the last month.
    public var projectionPerMonth: Fen?
    public var neededPerMonth: Fen?

    public init(points: [Point], target: Fen?, language: Language) {
        self.points = points
        self.target = target
        self.language = language
    }

    public func render(width: Int = 880, height: Int = 340) -> String {
        let l = language
        let left = 80, right = 70, top = 30, bottom = 50
        let plotW = Double(width - left - right), plotH = Double(height - top - bottom)
        let last = points.last?.cumulative.value ?? 0
        let projectedEnd = last &+ (projectionPerMonth?.value ?? 0) &* Int64(futureMonths)
        let maxCumulative = max(points.map(\.cumulative.value).max() ?? 0, target?.value ?? 0, projectedEnd, 1)
        let maxBar = max(points.map(\.amount.value).max() ?? 0, 1)
        let n = max(points.count + futureMonths, 1)
        let slot = plotW / Double(n)
        func y(_ v: Int64, _ scale: Int64) -> Double { Double(top) + plotH * (1 - Double(v) / Double(scale)) }
        func x(_ i: Double) -> Double { Double(left) + slot * (i + 0.5) }
        func f(_ d: Double) -> String { String(Int((d * 10).rounded())).inserting(".") }
        func label(_ text: String, _ xx: Double, _ yy: Double, anchor: String = "start", cls: String = "axis") -> String {
            "<text x=\"\(f(xx))\" y=\"\(f(yy))\" class=\"\(cls)\" text-anchor=\"\(anchor)\">\(text)</text>"
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" class=\"chart\">"
        svg += "<title>\(l.pick("累计金额与目标", "Cumulative amount and target"))</title>"
        // Left axis: the cumulative amount; right axis: the month's amount (bars reach 40 % of the plot at most).
        for i in 0...4 {
            let yy = y(maxCumulative * Int64(i) / 4, maxCumulative)
            svg += "<line x1=\"\(left)\" y1=\"\(f(yy))\" x2=\"\(width - right)\" y2=\"\(f(yy))\" class=\"grid\"/>"
            svg += label(Fen(maxCumulative * Int64(i) / 4).formatted(.wan, decimals: 0, grouping: true), Double(left - 6), yy + 4, anchor: "end")
        }
        for i in 0...2 {
            let v = maxBar * Int64(i) / 2
            let yy = Double(top) + plotH - plotH * 0.4 * Double(i) / 2
            svg += label(Fen(v).formatted(.wan, decimals: 0, grouping: true), Double(width - right + 6), yy + 4, cls: "axis bars")
        }
        svg += label(l.pick("累计（万元）", "Cumulative (万元)"), Double(left), 14, anchor: "start")
        svg += label(l.pick("当月（万元）", "Month (万元)"), Double(width - right + 60), 14, anchor: "end", cls: "axis bars")
        svg += label(l.pick("月份", "Month"), Double(left) + plotW / 2, Double(height - 6), anchor: "middle")
        for (i, p) in points.enumerated() {
            let h = plotH * 0.4 * Double(p.amount.value) / Double(maxBar)
            svg += "<rect x=\"\(f(Double(left) + slot * Double(i) + slot * 0.15))\" y=\"\(f(Double(top) + plotH - h))\" width=\"\(f(slot * 0.7))\" "
                + "height=\"\(f(h))\" class=\"bar\"><title>\(p.month): \(p.amount.wanDisplay) 万元</title></rect>"
        }
        let path = points.enumerated().map { i, p in (i == 0 ? "M" : "L") + f(x(Double(i))) + " " + f(y(p.cumulative.value, maxCumulative)) }
        if !path.isEmpty { svg += "<path d=\"\(path.joined(separator: " "))\" class=\"cumulative\"/>" }
        // From the last month counted to the window's end: the projection and the pace needed.
        if futureMonths > 0, let lastPoint = points.indices.last {
            let x0 = x(Double(lastPoint)), x1 = x(Double(lastPoint + futureMonths)), y0 = y(last, maxCumulative)
            if let pace = projectionPerMonth {
                let y1 = y(last &+ pace.value &* Int64(futureMonths), maxCumulative)
                svg += "<line x1=\"\(f(x0))\" y1=\"\(f(y0))\" x2=\"\(f(x1))\" y2=\"\(f(y1))\" class=\"projection\"/>"
                svg += label(l.pick("按近12个月速度", "at the trailing pace"), x1, y1 - 6, anchor: "end", cls: "axis projection-label")
            }
            if neededPerMonth != nil, let target {
                let y1 = y(target.value, maxCumulative)
                svg += "<line x1=\"\(f(x0))\" y1=\"\(f(y0))\" x2=\"\(f(x1))\" y2=\"\(f(y1))\" class=\"needed\"/>"
                svg += label(l.pick("达成目标所需", "needed to reach the target"), x1, y1 + 14, anchor: "end", cls: "axis needed-label")
            }
        }
        if let target {
            let yy = y(target.value, maxCumulative)
            svg += "<line x1=\"\(left)\" y1=\"\(f(yy))\" x2=\"\(width - right)\" y2=\"\(f(yy))\" class=\"target\"/>"
            svg += label("\(l.pick("目标", "target")) \(target.wanDisplay) 万元", Double(left + 6), yy - 6)
        }
        // Month labels: at most 12.
        let months = points.map(\.month) + (0..<futureMonths).compactMap { points.last?.month.advanced(by: $0 + 1) }
        let step = max(1, months.count / 12)
        for (i, m) in months.enumerated() where i % step == 0 {
            svg += label(m.description, x(Double(i)), Double(height - bottom + 18), anchor: "middle")
        }
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
