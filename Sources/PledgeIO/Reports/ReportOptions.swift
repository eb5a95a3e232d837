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
    case table, csv, json, html
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
    /// `SEQ:HASH` of the journal the figures were drawn from, printed in HTML reports.
    public var journalHead: String?

    public init(language: Language, format: ReportFormat, asOf: CivilDate, journalHead: String? = nil) {
        self.language = language
        self.format = format
        self.asOf = asOf
        self.journalHead = journalHead
    }

    func footer(_ what: String) -> String {
        language.pick("\(what)；数据截至日志 \(journalHead ?? "—")（pledge audit head 可复核）",
                      "\(what); figures drawn from journal head \(journalHead ?? "—") (check with pledge audit head)")
    }
}

/// `1234` hundredths → `12.34`.
func percentText(_ hundredths: Int64) -> String {
    "\(hundredths / 100).\(padded2(hundredths % 100))"
}

func padded2(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
