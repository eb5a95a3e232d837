extension Catalog {
    /// `pledge copy`: one ledger's journal replayed into another, of either backend.
    static let copying: [MessageKey: (zh: String, en: String)] = [
        .notEmpty: ("{path} 已有台账；copy 只写入新的空台账；未写入任何内容，请换一个 --to",
                    "{path} already holds a ledger; `copy` writes only into a new, empty one; nothing was written: choose another --to"),
        .replayMismatch: ("源台账第 {seq} 条日志重新编码后与原字节或哈希不符；未写入任何内容，请对源台账运行 `pledge audit verify`",
                          "entry {seq} of the source does not re-encode to its own bytes and hash; nothing was written: run `pledge audit verify` on the source"),
        .copied: ("已复制 {entries} 条日志：{from} → {to}，两边校验通过", "copied {entries} journal entries: {from} → {to}, both verified"),
        .copySourceFails: ("源台账 {from} 校验未通过；未复制任何内容", "the source ledger {from} does not verify; nothing was copied"),
    ]
}
