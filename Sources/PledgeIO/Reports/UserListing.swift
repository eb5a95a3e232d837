import PledgeCore
import PledgeStore

/// `user list`: who may sign in, with which role.
public struct UserListing: Sendable {
    public var users: [UserAccount]
    public init(users: [UserAccount]) { self.users = users }

    struct Item: Encodable { var name: String, role: String, disabled: Bool, token: Bool, seq: Int64 }

    public func render(format: ViewFormat, language l: Language) throws -> String {
        switch format {
        case .json:
            return try JSONOutput.render(["users": users.map { Item(name: $0.user.name, role: $0.user.role.rawValue, disabled: $0.user.disabled, token: $0.hasToken, seq: $0.seq) }])
        case .table:
            guard !users.isEmpty else { return l.pick("尚无用户；用 `pledge user add 名称 --role clerk` 添加\n", "no users yet; add one with `pledge user add NAME --role clerk`\n") }
            return table(language: l).render()
        }
    }

    /// The table the terminal and the web page show.
    public func table(language l: Language) -> TextTable {
        var t = TextTable(headers: [l.pick("用户", "User"), l.pick("角色", "Role"), l.pick("状态", "State"), l.pick("令牌", "Token")],
                          alignments: [.left, .left, .left, .left])
        t.rows = users.map {
            [$0.user.name, $0.user.role.rawValue, $0.user.disabled ? l.pick("已停用", "disabled") : l.pick("启用", "active"),
             $0.hasToken ? l.pick("有", "yes") : l.pick("无", "no")]
        }
        return t
    }
}
