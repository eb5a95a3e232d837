import Testing
@testable import PledgeCore

/// Hostile input: many generated strings through every parser and validator. Each must either accept
/// or throw a typed `FieldError`, never crash or hang. Seeded, so a failure reproduces.
@Suite("Fuzzing the parsers and validators")
struct FuzzTests {
    static let alphabet: [Character] = Array("0123456789.,+-eE xX/年月日-:ZLCN；;\"'\\\t\n\u{0}\u{3000}\u{A0}０１２万亿元IOSVZ甘肃😀\u{301}") + ["\r\n"]

    func strings(_ seed: UInt64, count: Int, maxLength: Int = 24) -> [String] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in String((0..<g.int(0...maxLength)).map { _ in g.pick(Self.alphabet) }) }
    }

    /// Runs `body`, which may accept `s` or refuse it with a `FieldError`; any other error is a failure.
    func typedOnly(_ s: String, _ body: () throws -> Void) {
        do { try body() } catch is FieldError {} catch { Issue.record("\(s.debugDescription): untyped \(error)") }
    }

    /// Inputs that once needed care; kept as regression cases.
    static let regressions = ["", " ", ".", "-", "+", ",", "1,", ",1", "1..2", "9223372036854775807", "92233720368547758.08",
                              "0.0000000001", "１", "2024-02-30", "2024年2月30日", "20240230", "0000-00-00", "9999-99-99", "2024/1/1/1",
                              "ZL", "CN.", "X", "ZL201710601862.", "201710601862.3.3", "\u{0}", "\u{301}1", "😀😀😀"]

    @Test("money never crashes; accepted amounts round-trip", arguments: MoneyUnit.allCases)
    func money(unit: MoneyUnit) {
        for s in strings(1, count: 3000) + Self.regressions {
            do {
                let fen = try Fen.parse(s, unit: unit)
                #expect(fen.value >= 0)
                #expect(try Fen.parse(fen.formatted(unit), unit: unit) == fen)
            } catch is FieldError {
            } catch { Issue.record("\(s): untyped \(error)") }
        }
    }

    @Test("dates and months never crash; accepted dates are real")
    func dates() {
        for s in strings(2, count: 4000) + Self.regressions {
            do {
                let d = try CivilDate.parse(s)
                #expect(CivilDate(year: d.year, month: d.month, day: d.day) == d)
                #expect(try CivilDate.parse(d.description) == d)
            } catch is FieldError {
            } catch { Issue.record("\(s): untyped \(error)") }
            typedOnly(s) {
                let m = try YearMonth.parse(s)
                #expect(try YearMonth.parse(m.description) == m)
                #expect((1...12).contains(m.month))
            }
        }
    }

    @Test("identifiers never crash; accepted ones re-validate in canonical form")
    func identifiers() {
        var g = SeededGenerator(seed: 3)
        let uscc = Array("0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ")
        let candidates = strings(4, count: 3000) + Self.regressions
            + (0..<3000).map { _ in String((0..<g.int(16...19)).map { _ in g.pick(uscc) }) }
            + (0..<3000).map { _ in (g.chance(50) ? "ZL" : "") + String((0..<g.int(8...13)).map { _ in g.pick(Array("0123456789")) })
                + (g.chance(50) ? "." : "") + String(g.pick(Array("0123456789X"))) }
        for s in candidates {
            for allow in [false, true] {
                do {
                    let u = try USCC(s, allowBadCheck: allow)
                    #expect(u.text.count == 18)
                    #expect(try USCC(u.text, allowBadCheck: allow) == u)
                } catch is FieldError {
                } catch { Issue.record("\(s): untyped \(error)") }
            }
            do {
                let p = try PatentNumber(s)
                #expect(try PatentNumber(p.canonical) == p)
            } catch is FieldError {
            } catch { Issue.record("\(s): untyped \(error)") }
            for type in IPType.allCases {
                typedOnly(s) {
                    let n = try type.canonicalNumber(s, field: "ip")
                    #expect(try type.canonicalNumber(n, field: "ip") == n)
                }
            }
            typedOnly(s) { _ = try parseFlag(s, field: "f") }
            typedOnly(s) {
                let rate = try RegistrationValidator.canonicalRate(s, field: "rate")
                #expect(try RegistrationValidator.canonicalRate(rate, field: "rate") == rate)
            }
        }
    }
}
