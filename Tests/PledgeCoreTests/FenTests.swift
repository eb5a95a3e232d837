import Testing
@testable import PledgeCore

@Suite("Fen: money as integer fen")
struct FenTests {
    @Test("parses amounts in each unit", arguments: [
        ("1", MoneyUnit.yuan, Int64(100)),
        ("0.01", .yuan, 1),
        ("1,234,567.89", .yuan, 123_456_789),
        ("2,000", .wan, 2_000_000_000),
        ("1,234.5", .wan, 1_234_500_000),
        ("0.000001", .wan, 1),
        ("0.25", .yi, 2_500_000_000),
        ("50", .yi, 500_000_000_000),
        ("0.0000000001", .yi, 1),
        (" 12.5 ", .yuan, 1250),
        ("+3", .yuan, 300),
        ("0", .yuan, 0),
        (".5", .yuan, 50),
        ("7.", .yuan, 700),
    ])
    func parsesValid(text: String, unit: MoneyUnit, fen: Int64) throws {
        #expect(try Fen.parse(text, unit: unit) == Fen(fen))
    }

    @Test("rejects bad amounts with a rule", arguments: [
        ("-1", MoneyUnit.yuan, FieldRule.negativeAmount),
        ("1.234", .yuan, .tooManyDecimals(max: 2, unit: .yuan)),
        ("1.0000001", .wan, .tooManyDecimals(max: 6, unit: .wan)),
        ("1.00000000001", .yi, .tooManyDecimals(max: 10, unit: .yi)),
        ("abc", .yuan, .notADecimal),
        ("1,23", .yuan, .thousandsSeparators),
        ("1234,567", .yuan, .thousandsSeparators),
        (",123", .yuan, .thousandsSeparators),
        ("", .yuan, .required),
        ("   ", .wan, .required),
        ("1e5", .yuan, .notADecimal),
        ("1.2.3", .yuan, .notADecimal),
        ("99999999999999999999", .yuan, .amountTooLarge),
        ("92233720368547758.08", .yuan, .amountTooLarge),
        ("1000000000", .yi, .amountTooLarge),
        ("１２", .yuan, .notADecimal),
        (".", .yuan, .notADecimal),
    ])
    func rejectsInvalid(text: String, unit: MoneyUnit, rule: FieldRule) {
        #expect {
            try Fen.parse(text, unit: unit, field: "--amount")
        } throws: { error in
            guard let e = error as? FieldError else { return false }
            return e.field == "--amount" && e.value == text && e.rule == rule
        }
    }

    @Test("formats in 万元 and other units")
    func formats() {
        #expect(Fen(123_456_789).formatted(.yuan) == "1234567.89")
        #expect(Fen(123_456_789).formatted(.yuan, grouping: true) == "1,234,567.89")
        #expect(Fen(2_000_000_000).wanDisplay == "2,000.00")
        #expect(Fen(1_234_567).formatted(.wan, decimals: 2) == "1.23")
        #expect(Fen(1_235_000).formatted(.wan, decimals: 2) == "1.24")   // half up
        #expect(Fen(500_000_000_000).formatted(.yi, decimals: 2) == "50.00")
        #expect(Fen(1).formatted(.wan) == "0.000001")
        #expect(Fen(-150).formatted(.yuan) == "-1.50")
        #expect(Fen(1_234_500_000).wanString == "1234.50")
        #expect(Fen(1_234_567_891).wanString == "1234.567891")
    }

    @Test("parse and format round-trip in every unit", arguments: MoneyUnit.allCases)
    func roundTrip(unit: MoneyUnit) throws {
        for value: Int64 in [1, 99, 100, 12_345_678, 500_000_000_000, 9_000_000_000_000_000] {
            #expect(try Fen.parse(Fen(value).formatted(unit), unit: unit) == Fen(value))
        }
    }

    @Test("units parse from English and Chinese", arguments: [("wan", MoneyUnit.wan), ("万元", .wan), ("亿", .yi), ("元", .yuan)])
    func unitNames(text: String, unit: MoneyUnit) {
        #expect(MoneyUnit(text: text) == unit)
    }

    @Test("wanString in integers equals the formatted six places with trailing zeros trimmed to two, on 100,000 amounts")
    func wanStringGenerated() {
        var g = SeededGenerator(seed: 5)
        func reference(_ f: Fen) -> String {
            var s = f.formatted(.wan, decimals: 6)
            while s.hasSuffix("0"), let dot = s.firstIndex(of: "."), s.distance(from: dot, to: s.endIndex) > 3 { s.removeLast() }
            return s
        }
        let edges: [Int64] = [0, 1, -1, 10, 100, 999_999, 1_000_000, -1_000_000, 1_000_010, 12_345_600, Int64.max, Int64.min + 1]
        for v in edges { #expect(Fen(v).wanString == reference(Fen(v)), "\(v)") }
        var mismatches = 0
        for _ in 0..<100_000 {
            // Amounts of every size, many with trailing zeros (round 元, 万元).
            var v = Int64(g.int(0...Int.max >> g.int(1...62)))
            v -= v % [1, 10, 100, 1_000_000][g.int(0...3)]
            if g.int(0...9) == 0 { v = -v }
            if Fen(v).wanString != reference(Fen(v)) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
