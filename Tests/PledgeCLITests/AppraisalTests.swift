import Foundation
import Testing

/// Appraisal and insurance at registration through the built `pledge`: flags, the pledge rate `show` reports, the
/// import and export columns, a correction, refusals with nothing written.
@Suite("appraisal and insurance at registration")
struct AppraisalTests {
    func registered() throws -> CLISandbox {
        let s = try CLISandbox()
        let out = try s.run(s.registerArgs + ["--appraised-value", "5000万", "--appraiser", "甘肃中天资产评估", "--insurer", "人保财险甘肃分公司",
                                               "--insured-amount", "1500万", "--insured"])
        #expect(out.code == 0, "\(out.stderr)")
        return s
    }

    @Test("the pledge rate is the amount over the appraised value: 2,000 ÷ 5,000 万元 = 40.00 %, as sqlite3 computes it")
    func pledgeRate() throws {
        let s = try registered()
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try s.run(["show", "Y2024620000001", "--format", "json"]).stdout.utf8)) as? [String: Any])
        #expect((json["pledgeRatePercent"] as? NSNumber)?.doubleValue == 40 && (json["insurer"] as? String) == "人保财险甘肃分公司")
        #expect(try s.sqlite("SELECT round(100.0 * amount_fen / appraised_value_fen, 2), insured_amount_fen FROM registrations") == "40.0|1500000000")
        let zh = try s.run(["--lang", "zh", "show", "Y2024620000001"]).stdout
        #expect(zh.contains("质押率") && zh.contains("40.00 %") && zh.contains("5,000.00 万元（甘肃中天资产评估）"), "\(zh)")
        let query = try s.run(["query", "--format", "csv"]).stdout.split(whereSeparator: \.isNewline).map(String.init)
        #expect(query.first?.hasSuffix(",pledge_rate_percent") == true && query.count > 1 && query[1].hasSuffix(",40.00"), "\(query)")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("export writes the columns and import reads them back to the same registration; a correction in 万元")
    func roundTrip() throws {
        let s = try registered()
        let csv = try s.run(["export", "--headers", "zh", "--unit", "wan"]).stdout
        #expect(csv.hasPrefix("登记号,") && csv.contains(",评估价值,评估机构,保险公司,保险金额") && csv.contains(",5000.00,甘肃中天资产评估,人保财险甘肃分公司,1500.00"), "\(csv)")
        let file = s.directory.appendingPathComponent("e.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let other = try CLISandbox()
        #expect(try other.run(["import", file.path]).code == 0)
        #expect(try other.sqlite("SELECT appraised_value_fen, appraiser, insurer, insured_amount_fen FROM registrations")
                == "5000000000|甘肃中天资产评估|人保财险甘肃分公司|1500000000")
        let corrected = try s.run(["correct", "Y2024620000001", "--field", "评估价值", "--value", "4000", "--unit", "wan", "--reason", "重新评估"])
        #expect(corrected.code == 0, "\(corrected.stderr)")
        #expect(try s.sqlite("SELECT appraised_value_fen FROM registrations") == "4000000000")
        #expect(try s.run(["audit", "verify"]).code == 0)
    }

    @Test("refused, nothing written: a zero appraised value, a negative insured amount, an appraiser with a control character", arguments: [
        (["--appraised-value", "0万"], "--appraised-value: value \"0万\"", "--appraised-value：值“0万”"),
        (["--insured-amount=-5万"], "--insured-amount: value \"-5万\"", "--insured-amount：值“-5万”"),
        (["--appraiser", "评估\u{1}所"], "--appraiser", "--appraiser"),
    ])
    func refused(extra: [String], en: String, zh: String) throws {
        let s = try CLISandbox()
        let before = try s.snapshot()
        for (lang, words) in [("en", en), ("zh", zh)] {
            let out = try s.run(["--lang", lang] + s.registerArgs + extra)
            #expect(out.code == 65 && out.stderr.contains(words), "\(lang): \(out.stderr)")
        }
        #expect(try s.snapshot() == before)
    }
}
