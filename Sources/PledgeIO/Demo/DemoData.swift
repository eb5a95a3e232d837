import PledgeStore
import PledgeCore

/// Realistic, deterministic sample registrations for `pledge demo` and the tests: valid USCCs and patent
/// numbers, amounts skewed from tens of 万元 to tens of 百万元 (a few above 1 亿), dates 2021–2025 with
/// growth, about a third 入园惠企, and lifecycle events up to today (releases at maturity, extensions, a few defaults,
/// corrections, voids; one loan in two hundred left active past its maturity).
public struct DemoData {
    public struct Item: Sendable {
        public var event: LedgerEvent
        public var regNo: String
    }

    public var reference: ReferenceData
    public var today: CivilDate

    public init(reference: ReferenceData, today: CivilDate) {
        self.reference = reference
        self.today = today
    }

    static let words = ["新材料", "生物医药", "智能装备", "现代农业", "新能源", "电子信息", "精细化工", "中药材",
                        "节能环保", "数字科技", "有色金属", "装备制造", "种业", "光伏", "特色食品", "轨道交通"]
    static let brands = ["陇原", "祁连", "敦煌", "黄河", "丝路", "金城", "河西", "陇南", "崆峒", "伏羲",
                         "大地", "雪山", "飞天", "莫高", "阳关", "星火", "长城", "西部", "瑞丰", "鑫源"]

    /// `count` registrations with their lifecycle events, in journal order (registrations by date first).
    public func items(count: Int, seed: UInt64) -> [Item] {
        var g = SeededGenerator(seed: seed)
        let enterprises = makeEnterprises(max(1, count / 3), &g)
        let start = CivilDate(year: 2021, month: 1, day: 1)!.dayNumber
        // Registrations are dated 2021–2025 (the plan's window; today, if earlier), the same for a seed whatever day it
        // runs; lifecycle events run up to today, as banks report loans repaid.
        let horizon = min(CivilDate(year: 2025, month: 12, day: 31)!, today)
        let end = horizon.dayNumber
        var regs: [Registration] = []
        for i in 0..<count {
            // Growth: later dates are likelier (max of two uniform draws).
            let day = max(g.int(start...end), g.int(start...end))
            let date = CivilDate(dayNumber: day)!
            let (uscc, name, prefecture) = g.pick(enterprises)
            let ipType = g.pick(weighted: [(IPType.patent, 75), (.trademark, 15), (.copyright, 7), (.other, 3)])
            let parks = reference.parks.filter { $0.prefectureCode == prefecture }
            let park = !parks.isEmpty && g.chance(65) ? g.pick(parks) : nil
            let amountWan = g.pick(weighted: [(10...200, 55), (200...800, 30), (800...3000, 13), (3000...10000, 2)])
            let bank = g.pick(weighted: reference.banks.enumerated().map { ($1.name, $0 < 2 ? 6 : $0 < 9 ? 3 : 1) })
            var r = Registration(
                regNo: "Y\(date.year)62\(padded(i + 1, 7))", regDate: date, uscc: uscc, enterprise: name, bank: bank,
                branch: g.chance(60) ? g.pick(["城关支行", "七里河支行", "高新支行", "新区支行", "科技支行", "营业部"]) : nil,
                amount: Fen(Int64(g.int(amountWan)) * MoneyUnit.wan.fenPerUnit + (g.chance(10) ? Int64(g.int(1...99)) * 100_000 : 0)),
                ipType: ipType, ipNumbers: (0..<g.int(1...(ipType == .patent ? 5 : 2))).map { _ in number(ipType, date, &g) },
                park: park?.name, prefectureCode: park?.prefectureCode ?? (g.chance(80) ? prefecture : nil),
                maturity: date.adding(years: g.int(1...3)), rate: "\(g.int(3...5)).\(g.pick(["2", "35", "45", "6", "85"]))",
                rywq: park != nil && g.chance(52), firstLoan: g.chance(20), insured: g.chance(15), notes: nil)
            r.ipNumbers = Array(Set(r.ipNumbers)).sorted()
            regs.append(r)
        }
        regs.sort { ($0.regDate, $0.regNo) < ($1.regDate, $1.regNo) }

        var items = regs.map { Item(event: .register($0), regNo: $0.regNo) }
        var later: [(CivilDate, Item)] = []
        for r in regs {
            let roll = g.int(0...999)
            if roll < 15 {
                later.append((r.regDate, Item(event: .void(reason: "录入重复，作废"), regNo: r.regNo)))
                continue
            }
            if roll < 30 {
                let corrected = r.amount + Fen(Int64(g.int(1...50)) * MoneyUnit.wan.fenPerUnit)
                later.append((r.regDate, Item(event: .correct(changes: [FieldChange(field: "amountFen", from: String(r.amount.value),
                                                                                      to: String(corrected.value))],
                                                              reason: "银行更正登记金额"), regNo: r.regNo)))
            }
            // Most loans are repaid and released at maturity; some are extended a year (and released then, when that has
            // come); a few default; one in two hundred is left active past maturity (`check`'s matured-not-released).
            let fate = g.int(0...999)
            if let m = r.maturity, m <= today {
                if fate < 12 {
                    later.append((m, Item(event: .default(date: m), regNo: r.regNo)))
                } else if fate < 100 {
                    let extended = m.adding(years: 1)!
                    later.append((m, Item(event: .extend(from: m, to: extended), regNo: r.regNo)))
                    if extended <= today { later.append((extended, Item(event: .release(date: extended, reason: .repaid), regNo: r.regNo))) }
                } else if fate < 995 {
                    later.append((m, Item(event: .release(date: m, reason: .repaid), regNo: r.regNo)))
                }
            }
        }
        items += later.sorted { ($0.0, $0.1.regNo) < ($1.0, $1.1.regNo) }.map(\.1)
        return items + money(after: items, &g)
    }

    /// The bureau's own money: a 2025 interest-subsidy policy for 入园惠企 loans, a province-wide risk pool (40 : 60,
    /// 500 万元 per loan) with the province's contribution, and the first three defaults disposed of and claimed.
    func money(after items: [Item], _ g: inout SeededGenerator) -> [Item] {
        var out = [Item(event: .subsidyPolicy(SubsidyPolicy(name: "2025年贴息", year: 2025, shareBasisPoints: 5000, cap: Fen(50 * MoneyUnit.wan.fenPerUnit),
                                                               only: .rywq)), regNo: ""),
                   Item(event: .pool(RiskPool(name: "全省风险补偿资金池", fundBasisPoints: 4000, bankBasisPoints: 6000,
                                              capPerLoan: Fen(500 * MoneyUnit.wan.fenPerUnit))), regNo: "")]
        let start = CivilDate(year: 2021, month: 1, day: 15)!
        if start <= today {
            out.append(Item(event: .poolContribution(PoolContribution(pool: "全省风险补偿资金池", amount: Fen(5_000 * MoneyUnit.wan.fenPerUnit),
                                                                      date: start, from: "甘肃省财政厅")), regNo: ""))
        }
        let amounts = Dictionary(items.compactMap { i -> (String, Fen)? in
            if case .register(let r) = i.event { return (r.regNo, r.amount) }
            return nil
        }, uniquingKeysWith: { a, _ in a })
        var claims = 0
        for item in items where claims < 3 {
            guard case .default(let date) = item.event, let amount = amounts[item.regNo],
                  let disposed = date.adding(days: 60), let claimed = date.adding(days: 90), claimed <= today else { continue }
            let recovered = Fen(amount.value / 100 * Int64(g.int(30...60)))
            out.append(Item(event: .dispose(Disposal(route: g.pick([.agreement, .auction, .sale]), recovered: recovered, date: disposed)), regNo: item.regNo))
            out.append(Item(event: .loss(LossClaim(pool: "全省风险补偿资金池", date: claimed, principal: nil)), regNo: item.regNo))
            claims += 1
        }
        return out
    }

    func makeEnterprises(_ n: Int, _ g: inout SeededGenerator) -> [(String, String, String)] {
        let charset = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        return (0..<n).map { i in
            let pref = g.pick(weighted: reference.prefectures.enumerated().map { ($1, $0 == 0 ? 30 : $0 < 5 ? 8 : 4) })
            var body = Array("91" + pref.code)
            for _ in 0..<9 { body.append(g.pick(charset)) }
            let uscc = String(body) + String(USCC.checkCharacter(for: body)!)
            let name = "甘肃\(g.pick(Self.brands))\(g.pick(Self.words))\(g.pick(["科技", "实业", "股份", "发展"]))有限公司"
            return (uscc, i % 7 == 0 ? pref.short + name.dropFirst(2) : name, pref.code)
        }
    }

    func number(_ type: IPType, _ date: CivilDate, _ g: inout SeededGenerator) -> String {
        switch type {
        case .patent:
            // Rights still in force: inventions filed up to 12 years before, utility models and designs up to 5.
            let kind = g.pick(["1", "2", "2", "3"])
            let digits = "\(date.year - g.int(0...(kind == "1" ? 12 : 5)))\(kind)\(padded(g.int(0...9_999_999), 7))"
            return "ZL\(digits).\(PatentNumber.checkCharacter(for: digits))"
        case .trademark: return String(g.int(10_000_000...69_999_999))
        case .copyright: return "\(g.int(2015...date.year))SR\(padded(g.int(0...1_999_999), 7))"
        case .other: return "GI-\(g.int(10_000...99_999))"
        }
    }
}

extension DemoData {
    /// Appends `count` sample registrations and their events to `ledger` in one transaction.
    @discardableResult
    public func fill(_ ledger: any LedgerStore, count: Int, seed: UInt64) throws -> Int {
        let items = items(count: count, seed: seed)
        _ = try ledger.record(items.map { ($0.event, $0.regNo.isEmpty ? nil : $0.regNo) })
        return items.count
    }
}
