import GRDB
import PledgeCore

/// A user as the server and `pledge user list` see it.
public struct UserAccount: Sendable, Equatable {
    public var user: UserRecord
    /// The entry that set the user as it is.
    public var seq: Int64
    public var hasToken: Bool
}

/// Users: who they are and their role are journal entries (`user`, projected into `users`); their password and API
/// token hashes are credentials kept beside them in `user_credentials`, never in the journal.
extension Ledger {
    /// Adds a user with a bcrypt password hash. Refused when the name is taken (73).
    public func addUser(_ user: UserRecord, passwordHash: String) throws -> AppendedEntry {
        try write { tx in
            if try Self.account(tx.db, name: user.name) != nil { throw StoreError.userExists(name: user.name) }
            let entry = try tx.append(.user(user))
            try tx.db.execute(sql: "INSERT INTO user_credentials(name, password_hash) VALUES (?, ?)", arguments: [user.name, passwordHash])
            return entry
        }
    }

    /// Changes a user's role or state (journaled). A disabled user's token is dropped with it.
    public func updateUser(_ name: String, _ change: (inout UserRecord) -> Void) throws -> AppendedEntry {
        try write { tx in
            guard var user = try Self.account(tx.db, name: name)?.user else { throw StoreError.userMissing(name: name) }
            change(&user)
            let entry = try tx.append(.user(user))
            if user.disabled { try tx.db.execute(sql: "UPDATE user_credentials SET token_hash = NULL WHERE name = ?", arguments: [name]) }
            return entry
        }
    }

    /// Replaces a user's password hash (not journaled: a credential, not a change to the ledger).
    public func setPasswordHash(_ name: String, _ hash: String) throws {
        try write { tx in
            guard try Self.account(tx.db, name: name) != nil else { throw StoreError.userMissing(name: name) }
            try tx.db.execute(sql: "UPDATE user_credentials SET password_hash = ? WHERE name = ?", arguments: [hash, name])
        }
    }

    /// Replaces a user's API token by one whose SHA-256 is `hash` (the token itself is never stored).
    public func setTokenHash(_ name: String, _ hash: String) throws {
        try write { tx in
            guard try Self.account(tx.db, name: name) != nil else { throw StoreError.userMissing(name: name) }
            try tx.db.execute(sql: "UPDATE user_credentials SET token_hash = ? WHERE name = ?", arguments: [hash, name])
        }
    }

    public func users() throws -> [UserAccount] {
        try read { db in try SQLRow.fetchAll(db, sql: Self.accountSQL + " ORDER BY u.name").map(Self.account) }
    }

    /// A user and its password hash, to check a sign-in.
    public func user(named name: String) throws -> (account: UserAccount, passwordHash: String?)? {
        try read { db in
            try SQLRow.fetchOne(db, sql: Self.accountSQL + " WHERE u.name = ?", arguments: [name]).map { (try Self.account($0), $0["password_hash"]) }
        }
    }

    /// The user whose API token has this SHA-256.
    public func user(tokenHash: String) throws -> UserAccount? {
        try read { db in try SQLRow.fetchOne(db, sql: Self.accountSQL + " WHERE c.token_hash = ?", arguments: [tokenHash]).map(Self.account) }
    }

    /// The token's user and the journal head `SEQ:HASH`, from one snapshot (what every API request asks first).
    public func userAndHead(tokenHash: String) throws -> (UserAccount?, String?) {
        try read { db in
            let user = try SQLRow.fetchOne(db, sql: Self.accountSQL + " WHERE c.token_hash = ?", arguments: [tokenHash]).map(Self.account)
            let head = try SQLRow.fetchOne(db, sql: "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")
                .map { "\($0["seq"] as Int64):\($0["hash"] as String)" }
            return (user, head)
        }
    }

    private static let accountSQL = """
        SELECT u.name, u.role, u.disabled, u.seq, c.password_hash, c.token_hash IS NOT NULL AS has_token
        FROM users u LEFT JOIN user_credentials c ON c.name = u.name
        """

    private static func account(_ db: any SQLSession, name: String) throws -> UserAccount? {
        try SQLRow.fetchOne(db, sql: accountSQL + " WHERE u.name = ?", arguments: [name]).map(account)
    }

    private static func account(_ row: SQLRow) throws -> UserAccount {
        guard let role = Role(rawValue: row["role"]) else { throw StoreError.damagedData(detail: "users: \(row["name"] as String) has an unknown role") }
        return UserAccount(user: UserRecord(name: row["name"], role: role, disabled: row["disabled"]), seq: row["seq"], hasToken: row["has_token"])
    }
}
