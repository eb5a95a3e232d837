import Testing
@testable import PledgeCore

let testReference = ReferenceData(
    prefectures: [Prefecture(code: "620100", name: "兰州市", short: "兰州"), Prefecture(code: "620400", name: "白银市", short: "白银")],
    parks: [Park(name: "兰州高新技术产业开发区", aliases: ["兰州高新区"], prefectureCode: "620100", level: "national"),
            Park(name: "白银高新技术产业开发区", aliases: ["白银高新区"], prefectureCode: "620400", level: "national")],
    banks: [Bank(name: "兰州银行", aliases: []), Bank(name: "中国工商银行甘肃省分行", aliases: ["工行"])])

@Suite("Registration validation")
struct RegistrationValidatorTests {
    let validator = RegistrationValidator(reference: testReference, today: CivilDate(year: 2025, month: 6, day: 30)!)

    func input(_ changes: [RegistrationField: String] = [:], unit: MoneyUnit = .wan) -> RegistrationInput {
        var values: [RegistrationField: String] = [
            .regNo: "Y2024620000001", .regDate: "2024/3/5", .uscc: "914403001922038216", .enterprise: "甘肃陇原新材料科技有限公司",
            .bank: "工行", .amount: "2,000", .ipNumbers: "CN201710601862.3；97101765.4",
        ]
        for (k, v) in changes { values[k] = v }
        return RegistrationInput(values: values, amountUnit: unit)
    }

    @Test("a valid input becomes a canonical registration")
    func valid() throws {
        let r = try validator.validate(input([.park: "兰州高新区", .rywq: "是", .rate: "3.850%", .maturity: "2025年3月4日"])).get()
        #expect(r.regDate == CivilDate(year: 2024, month: 3, day: 5))
        #expect(r.bank == "中国工商银行甘肃省分行")
        #expect(r.amount == Fen(2_000_000_000))
        #expect(r.ipType == .patent)
        #expect(r.ipNumbers == ["ZL201710601862.3", "ZL97101765.4"])
        #expect(r.park == "兰州高新技术产业开发区")
        #expect(r.prefectureCode == "620100")
        #expect(r.rywq)
        #expect(r.rate == "3.85")
        #expect(!r.usccOverride)
    }

    static let brokenRules: [(RegistrationField, String, FieldRule)] = [
        (.regNo, "", .required),
        (.regNo, String(repeating: "Y", count: 41), .tooLong(max: 40)),
        (.regNo, String(repeating: "A\u{301}", count: 30), .tooLong(max: 40)),   // 30 Characters, 60 scalars: SQLite counts 60
        (.regNo, "Y1\u{0}", .controlCharacters),
        (.regDate, "2025-07-01", .futureDate(today: CivilDate(year: 2025, month: 6, day: 30)!)),
        (.regDate, "2023-02-29", .notADate),
        (.uscc, "914403001922038215", .usccCheck(expected: "6")),
        (.uscc, "91440300192203821", .usccLength(17)),
        (.enterprise, "  ", .required),
        (.enterprise, "甘肃\n公司", .controlCharacters),
        (.bank, "火星银行", .unknownBank(suggestions: [])),
        (.amount, "0", .amountNotPositive),
        (.amount, "-5", .negativeAmount),
        (.amount, "1.1234567", .tooManyDecimals(max: 6, unit: .wan)),
        (.ipType, "房产", .ipType),
        (.ipNumbers, "", .required),
        (.ipNumbers, "201710601862.5", .patentCheck(expected: "3")),
        (.ipNumbers, "201710601862.3;CN201710601862.3", .rightListedTwice),
        (.park, "火星园区", .unknownPark(suggestions: [])),
        (.prefecture, "上海市", .unknownPrefecture(suggestions: [])),
        (.maturity, "2024-03-04", .beforeRegistrationDate(CivilDate(year: 2024, month: 3, day: 5)!)),
        (.rate, "120", .rate),
        (.rate, "3.12345", .rate),
        (.rywq, "maybe", .flag),
        (.notes, String(repeating: "x", count: 1001), .tooLong(max: 1000)),
    ]

    @Test("each broken rule names its field", arguments: brokenRules)
    func rejects(field: RegistrationField, value: String, rule: FieldRule) {
        let result = validator.validate(input([field: value]))
        guard case .failure(let e) = result else {
            Issue.record("\(field) = \(value) was accepted")
            return
        }
        #expect(e.errors.count == 1)
        #expect(e.errors.first?.field == field.journalKey)
        #expect(e.errors.first?.rule == rule, "\(e.errors)")
    }

    @Test("a 登记号 of 40 scalars is accepted, whatever its Characters")
    func regNoAtTheLimit() throws {
        for regNo in [String(repeating: "Y", count: 40), String(repeating: "A\u{301}", count: 20), String(repeating: "登", count: 40)] {
            #expect(try validator.validate(input([.regNo: regNo])).get().regNo == regNo)
        }
    }

    @Test("every error is collected, not just the first")
    func collectsAll() {
        guard case .failure(let e) = validator.validate(input([.uscc: "X", .bank: "?", .amount: "abc"])) else {
            Issue.record("accepted")
            return
        }
        #expect(e.errors.map(\.field) == ["uscc", "bank", "amountFen"])
        #expect(e.description.split(separator: "\n").count == 3)
    }

    @Test("a park decides the prefecture; a conflicting prefecture is an error")
    func parkAndPrefecture() throws {
        #expect(try validator.validate(input([.park: "白银高新区", .prefecture: "620400"])).get().prefectureCode == "620400")
        #expect(try validator.validate(input([.prefecture: "兰州"])).get().prefectureCode == "620100")
        guard case .failure(let e) = validator.validate(input([.park: "白银高新区", .prefecture: "兰州市"])) else {
            Issue.record("accepted")
            return
        }
        #expect(e.errors.first?.rule == .parkInOtherPrefecture(park: "白银高新技术产业开发区", prefecture: "白银市"))
    }

    @Test("--allow-bad-uscc is recorded on the registration")
    func usccOverride() throws {
        var i = input([.uscc: "914403001922038215"])
        i.allowBadUSCC = true
        #expect(try validator.validate(i).get().usccOverride)
    }

    @Test("other rights are validated by their type")
    func otherTypes() throws {
        #expect(try validator.validate(input([.ipType: "商标", .ipNumbers: "12345678"])).get().ipNumbers == ["12345678"])
        #expect(try validator.validate(input([.ipType: "copyright", .ipNumbers: "2023SR0123456"])).get().ipType == .copyright)
    }

    @Test("a list of rights splits at every ; ； and line break, also one that a combining mark joins to the next character",
          arguments: [
            ("GI-1;GI-2", ["GI-1", "GI-2"]),
            ("GI-1；GI-2", ["GI-1", "GI-2"]),
            ("GI-1\nGI-2", ["GI-1", "GI-2"]),
            ("GI-1\r\nGI-2", ["GI-1", "GI-2"]),                 // "\r\n" is one Character
            ("GI-1;\u{301}GI-2", ["GI-1", "\u{301}GI-2"]),       // ";́" is one Character: it still separates
            ("GI-1\u{301};GI-2", ["GI-1\u{301}", "GI-2"]),
            (" GI-1 ; ; GI-2 ;", ["GI-1", "GI-2"]),
          ])
    func rightsListSplit(list: String, expected: [String]) throws {
        let r = try validator.validate(input([.ipType: "other", .ipNumbers: list])).get()
        #expect(r.ipNumbers.map { Array($0.unicodeScalars) } == expected.map { Array($0.unicodeScalars) })
        // What the ledger stores and splits again at the byte ';' gives the same numbers back.
        #expect(r.ipNumbers.joined(separator: ";").utf8.split(separator: UInt8(ascii: ";")).map { Array($0) }
                == r.ipNumbers.map { Array($0.utf8) })
    }

    @Test("splitting a rights list on UTF-8 bytes gives the pieces of a split of its Unicode scalars, on 100,000 generated lists")
    func rightsListBytesEqualScalars() {
        // The scalar split the byte split replaced (a reference here, not a copy of the code under test).
        func scalarPieces(_ list: String) -> [String] {
            list.unicodeScalars.split(whereSeparator: { $0 == ";" || $0 == "；" || $0 == "\n" || $0 == "\r" })
                .map { String(String.UnicodeScalarView($0)).trimmingSpaces }.filter { !$0.isEmpty }
        }
        var g = SeededGenerator(seed: 17)
        // Separators, their neighbours in UTF-8 (other U+FFxx and U+FExx, bytes EF BC 9A / 9C, EF BD 9B), combining marks,
        // spaces the trim removes, CJK, an emoji, plain text.
        let alphabet: [String] = [";", "；", "\n", "\r", "\r\n", "\u{301}", " ", "\t", "\u{3000}", "\u{A0}", "：", "＜", "｛", "\u{FE1B}",
                                  "专", "利", "😀", "Z", "L", "2", "0", ".", "X", "-", "é"]
        var lists = 0
        for _ in 0..<100_000 {
            let list = (0..<g.int(0...12)).map { _ in g.pick(alphabet) }.joined()
            let bytes = RegistrationValidator.rightsListPieces(list), scalars = scalarPieces(list)
            if bytes.map({ Array($0.utf8) }) == scalars.map({ Array($0.utf8) }) { lists += 1 } else {
                Issue.record("\(Array(list.unicodeScalars)): \(bytes) against \(scalars)")
            }
        }
        #expect(lists == 100_000)
    }

    @Test("the canonical-rate shortcut accepts exactly the texts the parsing path returns unchanged", arguments: [
        "3.85", "3.8500", "03.85", "0.5", "0.50", "0", "0.0", "00.5", "12", "99.9999", "99.99999", "100", "3.", ".5", "3.85%",
        " 3.85", "1.0001", "10", "10.0", "7", "07", "1,5", "5.", "9.9", "0.0001", "0.00001", "", "-1", "+1", "1e2", "３.８５",
    ])
    func canonicalRateShortcut(text: String) throws {
        let parsed = try? RegistrationValidator.canonicalRateParsed(text, field: "rate")
        #expect(RegistrationValidator.isCanonicalRate(text) == (parsed == text), "\(text) parses to \(parsed ?? "an error")")
        #expect((try? RegistrationValidator.canonicalRate(text, field: "rate")) == parsed)
    }

    @Test("the canonical-rate shortcut agrees with the parsing path on 200,000 generated texts")
    func canonicalRateShortcutGenerated() {
        var g = SeededGenerator(seed: 11)
        let alphabet = Array("0123456789.%, ")
        var agreed = 0, shortcuts = 0
        for _ in 0..<200_000 {
            let text = String((0..<g.int(1...7)).map { _ in g.pick(alphabet) })
            let parsed = try? RegistrationValidator.canonicalRateParsed(text, field: "rate")
            if RegistrationValidator.isCanonicalRate(text) == (parsed == text) { agreed += 1 } else { Issue.record("\(text) → \(parsed ?? "error")") }
            if parsed == text { shortcuts += 1 }
        }
        #expect(agreed == 200_000)
        #expect(shortcuts > 1_000, "the generated texts include canonical rates")
    }

    @Test("every field has its own journal key and CSV header, and an input holds each one")
    func fieldNames() {
        var input = RegistrationInput()
        for f in RegistrationField.allCases { input[f] = f.journalKey }
        #expect(input.values.count == RegistrationField.allCases.count)
        for f in RegistrationField.allCases { #expect(input[f] == f.journalKey) }
        #expect(Set(RegistrationField.allCases.map(\.journalKey)).count == RegistrationField.allCases.count)
        #expect(Set(RegistrationField.allCases.map(\.csvHeader)).count == RegistrationField.allCases.count)
        for f in RegistrationField.allCases { #expect(RegistrationField(journalKey: f.journalKey) == f) }
    }

    @Test("canonical texts round-trip through setCanonical", arguments: RegistrationField.allCases)
    func canonicalRoundTrip(field: RegistrationField) throws {
        let r = try validator.validate(input([.park: "兰州高新区", .maturity: "2026-01-01", .rate: "4.1", .notes: "备注"])).get()
        var copy = r
        try copy.setCanonical(field, r.canonicalText(field))
        #expect(copy == r)
    }
}
