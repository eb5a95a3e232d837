import ArgumentParser
import Foundation
import PledgeCore
import PledgeIO
import PledgeServer
import PledgeStore

/// `pledge user …`: the people who sign in to `pledge serve`. Whoever can write the ledger file is trusted as admin.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: L("网页与接口的用户：角色记入日志，密码与令牌只存哈希", "Users of the server: roles in the journal, passwords and tokens kept only as hashes."),
        discussion: L("角色：admin 管理员（用户、目标、关账、设置）、clerk 录入员（登记与导入）、checker 复核员、auditor 审计员（只读）。",
                      "Roles: admin (users, targets, period close, settings), clerk (registrations, imports), checker (approvals), auditor (reads only)."),
        subcommands: [Add.self, List.self, Disable.self, Passwd.self, Token.self])

    /// The password from standard input (one line), or nil when none is piped in and one should be generated.
    static func password(fromStdin: Bool) throws -> String? {
        guard fromStdin else { return nil }
        let line = readLine(strippingNewline: true) ?? ""
        return try Credentials.validated(password: line, field: "--password-stdin")
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("添加用户；不加 --password-stdin 时生成密码并只显示一次", "Add a user; without --password-stdin a password is generated and shown once."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("用户名（即记入日志的操作员）", "User name (the operator recorded on what the user writes)."))) var name: String
        @Option(help: ArgumentHelp(L("admin、clerk、checker 或 auditor", "admin, clerk, checker or auditor."))) var role: String
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(L("从标准输入读取密码（一行，至少 8 个字符）", "Read the password from standard input (one line, at least 8 characters)."))) var passwordStdin = false

        func run() throws {
            try global.requireWritable()
            let user = UserRecord(name: try UserRecord.validatedName(name, field: "NAME"), role: try Role.parse(role, field: "--role"))
            let given = try UserCommand.password(fromStdin: passwordStdin)
            let password = given ?? Credentials.generatedPassword()
            let entry = try global.openLedger().addUser(user, passwordHash: Credentials.hash(password: password))
            receipt(global.language.pick("已添加用户 \(user.name)（\(user.role.rawValue)）", "added user \(user.name) (\(user.role.rawValue))"), entry)
            if given == nil { Console.out(global.language.pick("密码（只显示这一次）：", "password (shown this once): ") + password) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("列出用户、角色与状态", "List users, their roles and state."))
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(L("table（表格）或 json", "table or json."))) var format: ViewFormat = .table

        func run() throws {
            Console.out(try UserListing(users: global.openLedger().users()).render(format: format, language: global.language))
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("停用用户（记入日志）；其令牌随之作废", "Disable a user (journaled); its token stops working."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("用户名", "User name."))) var name: String

        func run() throws {
            try global.requireWritable()
            receipt(global.language.pick("已停用用户 \(name)", "disabled user \(name)"), try global.openLedger().updateUser(name) { $0.disabled = true })
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("设置新密码；不加 --password-stdin 时生成并只显示一次", "Set a new password; without --password-stdin one is generated and shown once."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("用户名", "User name."))) var name: String
        @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(L("从标准输入读取密码（一行，至少 8 个字符）", "Read the password from standard input (one line, at least 8 characters)."))) var passwordStdin = false

        func run() throws {
            try global.requireWritable()
            let given = try UserCommand.password(fromStdin: passwordStdin)
            let password = given ?? Credentials.generatedPassword()
            try global.openLedger().setPasswordHash(name, Credentials.hash(password: password))
            Console.out(global.language.pick("已更新 \(name) 的密码", "password of \(name) changed"))
            if given == nil { Console.out(global.language.pick("密码（只显示这一次）：", "password (shown this once): ") + password) }
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: L("生成新的接口令牌并只显示一次；旧令牌作废", "Print a new API token once; the old one stops working."))
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("用户名", "User name."))) var name: String

        func run() throws {
            try global.requireWritable()
            let (token, hash) = Credentials.newToken()
            try global.openLedger().setTokenHash(name, hash)
            Console.out(token)
        }
    }
}
