extension Catalog {
    /// `pledge copy`: one ledger's journal replayed into another, of either backend.
    static let copying: [MessageKey: (zh: String, en: String)] = [
        .notEmpty: ("{path} 已有台账；copy 只写入新的空台账；未写入任何内容，请换一个 --to",
                    "{path} already holds a ledger; `copy` writes only into a new, empty one; nothing was written: choose another --to"),
        .replayMismatch: ("源台账第 {seq} 条日志重新编码后与原字节或哈希不符；未写入任何内容，请对源台账运行 `pledge audit verify`",
                          "entry {seq} of the source does not re-encode to its own bytes and hash; nothing was written: run `pledge audit verify` on the source"),
        .sqliteOnly: ("{operation} 只复制 SQLite 台账文件；{location} 是 PostgreSQL 数据库，请用 pg_dump 备份（如 pg_dump -Fc -f 备份文件 数据库名）",
                      "{operation} copies a SQLite ledger file; {location} is a PostgreSQL database: back it up with pg_dump (e.g. pg_dump -Fc -f FILE DBNAME)"),
        .notOnPostgres: ("此版本的 {operation} 只用于 SQLite 台账；请先在 SQLite 台账上执行，再用 pledge copy 复制到 PostgreSQL",
                         "{operation} works on SQLite ledgers only in this version: run it on a SQLite ledger, then `pledge copy` it to PostgreSQL"),
        .badLocation: ("--db {location} 不是有效的 PostgreSQL 地址；应为 postgresql://用户@主机:端口/数据库名",
                        "--db {location} is not a valid PostgreSQL URL; expected postgresql://USER@HOST:PORT/DBNAME"),
        .copied: ("已复制 {entries} 条日志：{from} → {to}，两边校验通过", "copied {entries} journal entries: {from} → {to}, both verified"),
        .copySourceFails: ("源台账 {from} 校验未通过；未复制任何内容", "the source ledger {from} does not verify; nothing was copied"),
    ]
}
