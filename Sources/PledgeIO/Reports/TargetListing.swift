import PledgeCore

/// `target list`.
public struct TargetListing: Sendable {
    public var targets: [Target]
    /// The target reports use when none is named.
    public var defaultName: String?
    public init(targets: [Target], defaultName: String?) {
        self.targets = targets
        self.defaultName = defaultName
    }

    struct Item: Encodable {
        var name: String, amountFen: Int64, amountWan: String, fromDate: String, toDate: String, ipType: String, isDefault: Bool
        var park: String?, prefectureCode: String?
    }

    public func render(format: ViewFormat, language l: Language) throws -> String {
        let items = targets.map { t in
            Item(name: t.name, amountFen: t.amount.value, amountWan: t.amount.wanString, fromDate: t.from.description,
                 toDate: t.to.description, ipType: t.ipType?.rawValue ?? "all", isDefault: t.name == defaultName,
                 park: t.park, prefectureCode: t.prefectureCode)
        }
        switch format {
        case .json: return try JSONOutput.render(["targets": items])
        case .table:
            var table = TextTable(headers: [l.pick("名称", "Name"), l.pick("金额(万元)", "Amount (万元)"), l.pick("起", "From"),
                                            l.pick("止", "To"), l.pick("类型", "IP type"), l.pick("范围", "Scope"), ""],
                                  alignments: [.left, .right, .left, .left, .left, .left, .left])
            for t in targets {
                table.rows.append([t.name, t.amount.wanDisplay, t.from.description, t.to.description,
                                   t.ipType.map { l.pick($0.chineseName, $0.rawValue) } ?? l.pick("全部", "all"),
                                   t.park ?? t.prefectureCode ?? l.pick("全省", "province"),
                                   t.name == defaultName ? l.pick("默认", "default") : ""])
            }
            return table.render()
        }
    }
}

/// `reference prefectures|parks|banks`.
public struct ReferenceListing: Sendable {
    public var reference: ReferenceData
    public init(reference: ReferenceData) { self.reference = reference }

    public func render(_ list: String, language l: Language) -> String {
        switch list {
        case "prefectures":
            var t = TextTable(headers: [l.pick("代码", "Code"), l.pick("名称", "Name"), l.pick("简称", "Short")], alignments: [.left, .left, .left])
            t.rows = reference.prefectures.map { [$0.code, $0.name, $0.short] }
            return t.render()
        case "parks":
            var t = TextTable(headers: [l.pick("园区", "Park"), l.pick("别名", "Aliases"), l.pick("市州", "Prefecture"), l.pick("级别", "Level")],
                              alignments: [.left, .left, .left, .left])
            t.rows = reference.parks.map {
                [$0.name, $0.aliases.joined(separator: "、"), reference.prefecture(code: $0.prefectureCode)?.name ?? $0.prefectureCode, $0.level]
            }
            return t.render()
        default:
            var t = TextTable(headers: [l.pick("银行", "Bank"), l.pick("别名", "Aliases")], alignments: [.left, .left])
            t.rows = reference.banks.map { [$0.name, $0.aliases.joined(separator: "、")] }
            return t.render()
        }
    }
}
