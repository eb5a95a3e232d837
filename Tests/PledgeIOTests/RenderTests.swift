import Foundation
import Testing
import PledgeCore
@testable import PledgeIO

@Suite("Rendering: widths, tables, progress JSON")
struct RenderTests {
    @Test("display width counts CJK characters as two columns", arguments: [
        ("abc", 3), ("兰州银行", 8), ("兰州高新区 A", 12), ("１２", 4), ("é", 1), ("", 0), ("（）", 4),
    ])
    func width(text: String, columns: Int) {
        #expect(text.displayWidth == columns)
    }

    @Test("table columns line up with Chinese names")
    func alignment() {
        var t = TextTable(headers: ["银行", "金额"], alignments: [.left, .right])
        t.rows = [["兰州银行", "1.00"], ["中国工商银行甘肃省分行", "1,234.56"], ["Bank X", "7.00"]]
        t.footer = [["合计", "1,242.56"]]
        let lines = t.render().split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        let widths = Set(lines.filter { !$0.hasPrefix("─") }.map(\.displayWidth))
        #expect(widths.count == 1, "every line ends in the same column: \(lines)")
        #expect(lines[2].hasSuffix("    1.00"))
    }

    func sampleProgress() -> TargetProgress {
        TargetProgress(target: .gansu2025, asOf: CivilDate(year: 2024, month: 6, day: 30)!, achieved: Fen(123_456_789_012),
                       registrations: 42, trailing12Months: Fen(60_000_000_000), reachedIn: nil)
    }

    @Test("progress JSON has CONTRACT's keys with integer fen and 万元 strings")
    func progressJSON() throws {
        let json = try ProgressReport(progress: sampleProgress())
            .render(ReportOptions(language: .zh, format: .json, asOf: CivilDate(year: 2024, month: 6, day: 30)!))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        for key in ["targetName", "targetFen", "fromDate", "toDate", "asOf", "achievedFen", "registrations", "percent", "remainingFen"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["achievedFen"] as? Int == 123_456_789_012)
        #expect(object["achievedWan"] as? String == "123456.789012")
        #expect(object["targetFen"] as? Int == 500_000_000_000)
        #expect(object["remainingFen"] as? Int == 500_000_000_000 - 123_456_789_012)
        #expect((object["percent"] as? NSNumber)?.doubleValue == 24.69)
        #expect(object["monthsLeft"] as? Int == 18)
        #expect(object["projection"] as? String == "afterWindow")
        #expect(object["projectedMonth"] as? String == "2030-10")
    }

    @Test("progress table states the target, its window and the as-of date in both languages", arguments: Language.allCases)
    func progressTable(language: Language) throws {
        let text = try ProgressReport(progress: sampleProgress())
            .render(ReportOptions(language: language, format: .table, asOf: CivilDate(year: 2024, month: 6, day: 30)!))
        #expect(text.contains("gansu-2025"))
        #expect(text.contains("2021-01-01 … 2025-12-31"))
        #expect(text.contains("2024-06-30"))
        #expect(text.contains("123,456.79 万元"))
        #expect(text.contains("24.69 %"))
        #expect(text.contains(language == .zh ? "尚差" : "Remaining"))
    }

    @Test("language follows $LANG")
    func languageFromEnvironment() {
        #expect(Language.fromEnvironment("zh_CN.UTF-8") == .zh)
        #expect(Language.fromEnvironment("en_US.UTF-8") == .en)
        #expect(Language.fromEnvironment(nil) == .en)
    }
}
