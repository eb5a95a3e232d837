import PledgeCore

/// Label language: affects labels only, never data or JSON keys.
public enum Language: String, CaseIterable, Sendable {
    case zh, en

    /// `zh` when `$LANG` starts with `zh`, else `en` (CONTRACT).
    public static func fromEnvironment(_ lang: String?) -> Language {
        (lang ?? "").lowercased().hasPrefix("zh") ? .zh : .en
    }

    public func pick(_ zh: String, _ en: String) -> String { self == .zh ? zh : en }
}

/// Formats of the reports.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, csv, json
}

/// Formats of single-record views and listings (`show`, `history`, `target list`).
public enum ViewFormat: String, CaseIterable, Sendable {
    case table, json
}

/// What every report shares: language, format, the date it is as of.
public struct ReportOptions: Sendable {
    public var language: Language
    public var format: ReportFormat
    public var asOf: CivilDate

    public init(language: Language, format: ReportFormat, asOf: CivilDate) {
        self.language = language
        self.format = format
        self.asOf = asOf
    }
}

extension Fen {
    /// 万元 with two decimals and thousands separators: how every table shows money.
    public var wanDisplay: String { formatted(.wan, decimals: 2, grouping: true) }
}

/// `1234` hundredths → `12.34`.
func percentText(_ hundredths: Int64) -> String {
    "\(hundredths / 100).\(padded2(hundredths % 100))"
}

func padded2(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
