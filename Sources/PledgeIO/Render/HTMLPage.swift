import Mustache

/// A self-contained HTML report page (inline CSS and SVG, no network): title, summary pairs,
/// an optional chart, tables, and a footer naming the journal head the figures were drawn from.
/// Rendered with a Mustache template, which escapes every value except the chart's SVG.
public struct HTMLPage: Sendable {
    public struct Table: Sendable {
        public var caption: String
        public var headers: [String]
        public var rows: [[String]]
        public var footer: [[String]] = []
        /// Columns (0-based) right-aligned: the numbers.
        public var numeric: Set<Int>

        public init(caption: String, headers: [String], rows: [[String]], footer: [[String]] = [], numeric: Set<Int>) {
            self.caption = caption
            self.headers = headers
            self.rows = rows
            self.footer = footer
            self.numeric = numeric
        }
    }

    public var language: Language
    public var title: String
    public var subtitle: String
    public var summary: [(String, String)]
    public var chartSVG: String?
    public var tables: [Table]
    public var footer: String
    /// The one number the page is about (a progress report's percentage), shown large above the summary.
    public var headline: String?

    public init(language: Language, title: String, subtitle: String, summary: [(String, String)], chartSVG: String?,
                tables: [Table], footer: String) {
        self.language = language
        self.title = title
        self.subtitle = subtitle
        self.summary = summary
        self.chartSVG = chartSVG
        self.tables = tables
        self.footer = footer
    }

    /// The pages' style sheet, shared with the server's pages.
    public static let style = """
        body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2933; margin: 2em auto; max-width: 960px; padding: 0 1em; }
        h1 { font-size: 1.5em; margin-bottom: 0.2em; border-bottom: 3px solid #b3261e; padding-bottom: 0.3em; }
        .subtitle { color: #52606d; margin-top: 0; }
        dl.summary { display: grid; grid-template-columns: max-content auto; gap: 0.3em 1.5em; background: #f5f7fa; padding: 1em 1.5em; border-radius: 6px; }
        dl.summary dt { color: #52606d; } dl.summary dd { margin: 0; font-weight: 600; }
        table { border-collapse: collapse; width: 100%; margin: 1.5em 0; font-size: 0.92em; }
        caption { text-align: left; font-weight: 600; font-size: 1.1em; padding-bottom: 0.5em; }
        th, td { border-bottom: 1px solid #d9e2ec; padding: 0.35em 0.6em; text-align: left; }
        th { background: #e4e7eb; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tfoot td { font-weight: 700; border-top: 2px solid #1f2933; }
        .chart { width: 100%; height: auto; margin: 1em 0; }
        .chart .grid { stroke: #e4e7eb; } .chart .axis { font-size: 11px; fill: #52606d; }
        .chart .bar { fill: #9fb3c8; } .chart .cumulative { fill: none; stroke: #b3261e; stroke-width: 2.5; }
        .chart .target { stroke: #1f2933; stroke-dasharray: 6 4; stroke-width: 1.5; }
        .chart .projection { stroke: #b3261e; stroke-dasharray: 3 3; stroke-width: 2; } .chart .projection-label { fill: #b3261e; }
        .chart .needed { stroke: #2f6f3e; stroke-dasharray: 1 3; stroke-width: 2; } .chart .needed-label { fill: #2f6f3e; }
        .chart .bars { fill: #627d98; }
        p.headline { font-size: 2.4em; font-weight: 700; margin: 0.2em 0; }
        footer { color: #7b8794; font-size: 0.85em; margin-top: 2em; border-top: 1px solid #d9e2ec; padding-top: 0.5em; }
        @media print { body { margin: 0; } }
        """

    static let template = try! MustacheTemplate(string: """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>
        {{{style}}}
        </style>
        </head>
        <body>
        {{{content}}}
        </body>
        </html>

        """)

    static let contentTemplate = try! MustacheTemplate(string: """
        <h1>{{title}}</h1>
        <p class="subtitle">{{subtitle}}</p>
        {{#headline}}<p class="headline">{{headline}}</p>{{/headline}}
        <dl class="summary">
        {{#summary}}<dt>{{label}}</dt><dd>{{value}}</dd>
        {{/summary}}
        </dl>
        {{#chart}}{{{chart}}}{{/chart}}
        {{#tables}}
        <table>
        <caption>{{caption}}</caption>
        <thead><tr>{{#headers}}<th class="{{cls}}">{{text}}</th>{{/headers}}</tr></thead>
        <tbody>
        {{#rows}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>
        {{/rows}}
        </tbody>
        {{#hasFooter}}<tfoot>{{#footer}}<tr>{{#cells}}<td class="{{cls}}">{{text}}</td>{{/cells}}</tr>{{/footer}}</tfoot>{{/hasFooter}}
        </table>
        {{/tables}}
        <footer>{{footer}}</footer>

        """)

    public func render() -> String {
        Self.template.render(["lang": language == .zh ? "zh-CN" : "en", "title": title, "style": Self.style, "content": renderContent()])
    }

    /// The page's content (title to footer), every value escaped but the chart's SVG.
    public func renderContent() -> String {
        func cells(_ row: [String], _ numeric: Set<Int>) -> [[String: String]] {
            row.enumerated().map { ["text": $1, "cls": numeric.contains($0) ? "num" : ""] }
        }
        let context: [String: Any] = [
            "lang": language == .zh ? "zh-CN" : "en",
            "title": title,
            "subtitle": subtitle,
            "headline": headline ?? false,
            "summary": summary.map { ["label": $0.0, "value": $0.1] },
            "chart": chartSVG ?? false,
            "tables": tables.map { t -> [String: Any] in
                [
                    "caption": t.caption,
                    "headers": cells(t.headers, t.numeric),
                    "rows": t.rows.map { ["cells": cells($0, t.numeric)] },
                    "hasFooter": !t.footer.isEmpty,
                    "footer": t.footer.map { ["cells": cells($0, t.numeric)] },
                ]
            },
            "footer": footer,
        ]
        return Self.contentTemplate.render(context)
    }
}
