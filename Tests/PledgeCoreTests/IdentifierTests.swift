import Testing
@testable import PledgeCore

@Suite("统一社会信用代码 (GB 32100-2015)")
struct USCCTests {
    @Test("valid codes are accepted", arguments: ["914403001922038216", "914403001922038216",
                                                  " 914403001922038216 "])
    func valid(code: String) throws {
        let u = try USCC(code)
        #expect(u.text == "914403001922038216")
        #expect(u.hasValidCheck)
    }

    @Test("lower-case letters are upper-cased")
    func lowerCase() throws {
        // 91620100MA7XXXXXX? style: build one with letters and a right check character.
        let body = Array("91620100MA72LQ8N0")
        let code = String(body) + String(USCC.checkCharacter(for: body)!)
        #expect(try USCC(code.lowercased()).text == code)
    }

    @Test("wrong check characters are rejected", arguments: ["914403001922038215", "914403001922038210", "91440300192203821A"])
    func wrongCheck(code: String) {
        #expect {
            try USCC(code, field: "--uscc")
        } throws: { ($0 as? FieldError)?.rule == .usccCheck(expected: "6") }
    }

    @Test("--allow-bad-uscc accepts a wrong check character and says so")
    func override() throws {
        let u = try USCC("914403001922038215", allowBadCheck: true)
        #expect(!u.hasValidCheck)
        // The override never admits a malformed code.
        #expect(throws: FieldError.self) { try USCC("91440300192203821", allowBadCheck: true) }
    }

    @Test("the check on bytes agrees with the check on Characters for every check character of 20,000 generated codes")
    func byteCheck() throws {
        var g = SeededGenerator(seed: 32100)
        var (valid, invalid) = (0, 0)
        for _ in 0..<20_000 {
            let body = (0..<17).map { _ in g.pick(USCC.charset) }
            let right = USCC.checkCharacter(for: body)!
            let check = g.pick(USCC.charset)
            let code = String(body) + String(check)
            #expect(USCC.checkHolds(code) == (check == right))
            let u = try USCC(code, allowBadCheck: true)
            #expect(u.hasValidCheck == (check == right))
            if check == right { valid += 1 } else { invalid += 1 }
        }
        #expect(valid > 100 && invalid > 10_000)
        // Not 18 charset bytes: no answer on bytes.
        for text in ["", "91440300192203821", "91440300192203821I", "914403001922038216 ", "９14403001922038216"] {
            #expect(USCC.checkHolds(text) == nil)
        }
    }

    @Test("wrong lengths are rejected", arguments: ["", "91440300192203821", "9144030019220382166", "9"])
    func lengths(code: String) {
        #expect { try USCC(code) } throws: { ($0 as? FieldError)?.rule == .usccLength(code.count) }
    }

    @Test("forbidden letters I O S V Z are rejected", arguments: ["I", "O", "S", "V", "Z"])
    func forbiddenLetters(letter: String) {
        let code = "9144030019220382" + letter + "6"
        #expect { try USCC(code) } throws: { ($0 as? FieldError)?.rule == .usccCharacter(letter) }
    }
}

@Suite("Patent application numbers (ZC 0006-2003)")
struct PatentNumberTests {
    @Test("valid numbers in every accepted spelling", arguments: [
        ("201710601862.3", "ZL201710601862.3"),
        ("CN201710601862.3", "ZL201710601862.3"),
        ("ZL 2017 1060 1862.3", "ZL201710601862.3"),
        ("2014103620773", "ZL201410362077.3"),
        ("97101765.4", "ZL97101765.4"),
        ("95115608.X", "ZL95115608.X"),
        ("95115608x", "ZL95115608.X"),
        ("201080063196.9", "ZL201080063196.9"),
        ("CNZL201710601862.3", "ZL201710601862.3"),
    ])
    func valid(text: String, canonical: String) throws {
        #expect(try PatentNumber(text).canonical == canonical)
    }

    @Test("wrong check digits are rejected", arguments: ["201710601862.5", "2014103620774", "97101765.X", "95115608.1"])
    func wrongCheck(text: String) {
        #expect { try PatentNumber(text, field: "--ip") } throws: {
            guard case .patentCheck = ($0 as? FieldError)?.rule else { return false }
            return true
        }
    }

    @Test("malformed numbers are rejected", arguments: ["", "2017106018623X", "20171060186.3", "ABCDEFGHIJKL.3", "201750601862.3",
                                                        "201710601862.Y", "１２３"])
    func malformed(text: String) {
        #expect(throws: FieldError.self) { try PatentNumber(text) }
    }

    @Test("kind and legal term")
    func kinds() throws {
        #expect(try PatentNumber("201710601862.3").kind == .invention)
        #expect(try PatentNumber("201080063196.9").kind == .invention)    // PCT 发明 (type 8)
        #expect(try PatentNumber("97101765.4").filingYear == 1997)
        let d = CivilDate(year: 2021, month: 6, day: 1)!
        #expect(PatentNumber.Kind.design.termYears(filed: d) == 15)
        #expect(PatentNumber.Kind.design.termYears(filed: d.adding(days: -1)) == 10)
        #expect(PatentNumber.Kind.utilityModel.termYears(filed: d) == 10)
        #expect(PatentNumber.Kind.invention.termYears(filed: nil) == 20)
    }

    @Test("kind and filing year from every type digit, in both forms (read from the digits' bytes)",
          arguments: [("2023", "1", PatentNumber.Kind.invention, 2023), ("2023", "2", .utilityModel, 2023), ("2019", "3", .design, 2019),
                      ("2010", "8", .invention, 2010), ("2010", "9", .utilityModel, 2010), ("97", "1", .invention, 1997),
                      ("85", "2", .utilityModel, 1985), ("03", "3", .design, 2003), ("00", "1", .invention, 2000), ("99", "3", .design, 1999)])
    func kindAndYear(year: String, type: String, kind: PatentNumber.Kind, filingYear: Int) throws {
        let digits = year + type + String(repeating: "0", count: year.count == 4 ? 6 : 4) + "7"
        let number = try PatentNumber(digits + "." + String(PatentNumber.checkCharacter(for: digits)))
        #expect(number.digits == digits)
        #expect(number.kind == kind)
        #expect(number.filingYear == filingYear)
    }
}

@Suite("IP types and other rights' numbers")
struct IPTypeTests {
    @Test("types parse from English and Chinese", arguments: [("patent", IPType.patent), ("专利", .patent), ("商标", .trademark),
                                                               ("Copyright", .copyright), ("著作权", .copyright), ("其他", .other)])
    func parse(text: String, type: IPType) throws {
        #expect(try IPType.parse(text, field: "x") == type)
    }

    @Test("trademarks are digits")
    func trademarks() throws {
        #expect(try IPType.trademark.canonicalNumber("第12345678号", field: "x") == "12345678")
        #expect(throws: FieldError.self) { try IPType.trademark.canonicalNumber("TM-1", field: "x") }
    }

    @Test("flags", arguments: [("是", true), ("否", false), ("yes", true), ("", false), ("1", true), ("FALSE", false)])
    func flags(text: String, value: Bool) throws {
        #expect(try parseFlag(text, field: "rywq") == value)
    }

    @Test("unknown flag text is rejected")
    func badFlag() {
        #expect(throws: FieldError.self) { try parseFlag("maybe", field: "rywq") }
    }
}
