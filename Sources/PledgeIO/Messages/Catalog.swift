import Foundation

/// Every sentence `pledge` says to a user, in Chinese and English, keyed by what happened. Errors are values in the
/// libraries (`FieldRule`, `StoreError`, `LifecycleError`, `ImportError`); `Messages` maps each value to its key and
/// arguments; this table holds the words. A test holds every key to both languages and the same placeholders.
public enum MessageKey: String, CaseIterable, Sendable {
    // A field value and the rule it broke.
    case fieldError
    case required, controlCharacters, controlCharactersExceptLineBreaks, tooLong
    case negativeAmount, notADecimal, thousandsSeparators, tooManyDecimals, amountTooLarge, amountNotPositive
    case amountOverRegistrationMaximum, unitConflict, unitMissing, confirmAmount
    case warningAmountAboveLimit, warningAmountFarAboveMedian, warningOtherEnterpriseName, warningLine, warningsCount
    case usccLength, usccCharacter, usccCheck
    case patentLength, patentDigits, patentType, patentYear, patentCheck, trademarkNumber, rightNumber, rightListedTwice
    case ipType, flag, rate, operatorName
    case notADate, notAMonth, futureDate, beforeRegistrationDate, statusDateRequired, status
    case unknownBank, unknownPark, unknownPrefecture, didYouMean, parkInOtherPrefecture, ambiguousName
    case targetName, defaultTargetRemoved, targetNotPositive, windowEndsBeforeStart, monthBeforeFrom, reportTooLong
    case reasonRequired, headPrefix

    // The ledger.
    case ledgerMissing, ledgerExists, notALedger, newerSchema, olderSchema, readOnly, busy, interruptedWrite, io
    case registrationExists, registrationMissing, targetMissing, userExists, userMissing, role, password, atLeast, queryFormat, jsonObject, jsonValue, unknownKey, listenAddress, tlsFile, tlsPair, releaseReason, grouping, closedPeriod, periodAlreadyClosed, periodNotOver, periodNotClosed
    case totalsOutOfRange, damagedSchema, damagedData, internalError, rightPledged

    // Approvals.
    case approvalSetting, proposalStatus, approvalRequired, proposalMissing, proposalDecided, sameApprover, proposalStale
    case proposed, approvedProposal, rejectedProposal, approvalNow, statusPending, statusApproved, statusRejected
    case kindProposal, kindApprove, kindReject, proposedBy, approvedBy

    // The lifecycle.
    case lifecycle
    case voidCannotChange, alreadyVoid, correctionChangesNothing, regNoIsPermanent, notReleasable, notDefaultable
    case notExtendable, maturityNotLater, extensionFromOtherMaturity, dateBeforeRegistration, maturityBeforeRegistration
    case notAChange

    // Import files.
    case fileMissing, fileUnreadable, notRegular, badEncoding, emptyFile, noDataRows
    case unterminatedQuote, characterAfterQuote, invalidUTF8Forced, invalidUTF8AfterBOM, fieldTooLarge, recordTooLarge
    case headerEmpty, headerUnknown, headerDuplicate, headerMissing, headerNoAmount, headerTwoAmounts, headerRefused
    case moreProblems, importSummary, importSummaryWarned, importRefusedInvalid, importRefusedConflict, dryRunNote
    case importConflict, importChangesClosed, importDuplicateInFile, column, fieldCount, truncatedGB18030, neitherEncoding
    case workbookInvalid, workbookLegacy, workbookMissingPart, workbookNoSheet, workbookMalformed, workbookPartTooLarge, sheetNotWorkbook, workbookSheets
    case cellError, cellNotADate, cellDigitsLost, cellWithoutHeader, xlsxNeedsOutput, sheetAbout

    // Subsidies and risk pools.
    case kindSubsidyPolicy, kindSubsidyPayment, policyName, year, share, sharesSum, subsidyPolicyMissing, subsidyOverpaid
    case auditInvalidRecord, auditUnknownPolicy, auditOverpaid, subsidyPolicySet, subsidyPaymentRecorded, noSubsidyPolicies
    case kindPool, kindPoolContribution, kindDispose, kindLoss, poolScope, disposalRoute, poolMissing, recoveryRefused, auditUnknownPool
    case recoveryNotDefaulted, recoveryBeforeDefault, recoveryDisposedTwice, recoveryClaimedTwice, recoveryBeforeDisposal, recoveryNotCovered
    case recoveryPrincipal, recoveryNothingLost, poolSet, poolContributed, disposalRecorded, lossRecorded, noPools, puhuiNotFrozen

    // Copies between ledgers and backends.
    case notEmpty, replayMismatch, copied, copySourceFails, sqliteOnly, notOnPostgres, badLocation

    // Journal entry kinds.
    case kindReference, kindTarget, kindRegister, kindCorrect, kindVoid, kindRelease, kindDefault, kindExtend, kindPeriodClose, late
    case kindPeriodReopen, kindTargetRemove, kindTargetDefault, kindCheckAck, kindSetting, kindUser

    // Data-quality findings: what is wrong, and what to do.
    case findingDoublePledge, actionDoublePledge, findingPastPatentTerm, actionPastPatentTerm
    case findingMaturityBeforeRegistration, actionMaturityBeforeRegistration, findingMaturedNotReleased, actionMaturedNotReleased
    case findingLikelyDuplicate, actionLikelyDuplicate, findingUSCCOverride, actionUSCCOverride
    case noFindings, findingsCount, reviewed, unknownFinding

    // audit verify.
    case auditEntry, auditSeqGap, auditBrokenLink, auditHashMismatch, auditColumnType, auditNotExpectedHead, auditUnreadable
    case auditNotCanonical, auditColumnsDiffer, auditTimeBackwards, auditRegNoColumn, auditAmountOutOfRange, auditRegisteredTwice
    case auditNotRegistered, auditForbidden, auditClosedTwice, auditWrongAnchor, auditWrongTotals, auditReopensOpenMonth
    case auditRemovesMissingTarget, auditDefaultsMissingTarget, auditClosedMonthWithoutLate, auditUnknownSetting
    case auditRowMissing, auditRowExtra, auditRowDiffers, auditDifference
    case auditTriggerMissing, auditObjectMissing, auditTriggerChanged, auditObjectChanged, auditTriggerExtra, auditObjectExtra
    case auditMigrations, auditNoMigration, auditTotalsBeyondInt64, auditExpectedHeadGone
    case auditUnapproved, auditNotAsProposed, auditApprovalIncomplete, auditUnknownProposal, auditDecidedTwice, auditDecidedByProposer

    // Command-line usage (ArgumentParser's errors, worded here).
    case usageMissingArgument, usageMissingOneOf, usageUnknownOption, usageUnknownOptionSuggest, usageMissingValue
    case usageUnexpectedArgument, usageInvalidValue, usageChoices, usageTakesNoValue, usageMissingSubcommand, usageOther
    case usageHelp, usageLine, usageSeeHelp, maxErrorsTooSmall, exportUnit

    // Status names.
    case statusActive, statusReleased, statusDefaulted, statusVoid
}

enum Catalog {
    static let entries = core.merging(spreadsheet) { a, _ in a }.merging(money) { a, _ in a }.merging(copying) { a, _ in a }
    private static let core: [MessageKey: (zh: String, en: String)] = [
        .fieldError: ("{field}：值“{value}”，{rule}", "{field}: value \"{value}\" — {rule}"),
        .required: ("为必填项", "is required"),
        .controlCharacters: ("不能含控制字符（制表符、换行、NUL 等）", "control characters (tab, newline, NUL, …) are not allowed"),
        .controlCharactersExceptLineBreaks: ("除换行和制表符外不能含控制字符", "control characters other than line breaks and tabs are not allowed"),
        .tooLong: ("最多 {max} 个字符", "at most {max} characters"),
        .negativeAmount: ("金额不能为负数", "the amount must not be negative"),
        .notADecimal: ("应为数字，如 1,234.56 或 2,000万", "expected a decimal number such as 1,234.56 or 2,000万"),
        .thousandsSeparators: ("千位分隔符应每三位一组，如 1,234,567.89（或不写分隔符）",
                               "thousands separators must split the digits in groups of three, e.g. 1,234,567.89 (or leave them out)"),
        .tooManyDecimals: ("以{unit}为单位最多 {max} 位小数（金额精确到分）", "at most {max} decimals are allowed in {unit} (amounts are whole fen)"),
        .amountTooLarge: ("金额过大", "the amount is too large"),
        .amountNotPositive: ("金额必须大于零", "the amount must be greater than zero"),
        .amountOverRegistrationMaximum: ("超过单笔登记上限 1,000 亿元（请检查单位：元、万元还是亿元）",
                                         "the amount is over the maximum of one registration, 1,000 亿元 (check the unit: 元, 万元 or 亿元)"),
        .confirmAmount: ("{warning}；请核对单位（万元还是亿元），确属无误请加 --confirm-amount", "{warning}; check the unit (万元 or 亿元), and pass --confirm-amount if it is right"),
        .warningAmountAboveLimit: ("金额超过 {limit}，单笔登记很少达到这一规模", "the amount is above {limit}, more than single registrations come near"),
        .warningAmountFarAboveMedian: ("金额是本台账近期登记中位数（{median} 万元）的 {factor} 倍以上", "the amount is at least {factor} times the median of the ledger's recent registrations ({median} 万元)"),
        .warningOtherEnterpriseName: ("统一社会信用代码 {uscc} 在台账中的企业名称是“{known}”，此处写的是“{name}”", "USCC {uscc} is recorded as \"{known}\", here it is \"{name}\""),
        .warningLine: ("{place}：警告：{warning}", "{place}: warning: {warning}"),
        .warningsCount: ("{count} 行有警告（见上）；加 --strict 则拒绝导入这些行", "{count} rows with warnings (listed above); --strict refuses them"),
        .unitConflict: ("金额写的是{written}，但单位给的是{given}；请只写一个单位", "the amount is written in {written} but the unit given is {given}; give one unit"),
        .unitMissing: ("缺少单位：写成 2,000万 或加 --unit 元|万|亿", "no unit: write it in the amount (2,000万) or pass --unit yuan|wan|yi"),
        .usccLength: ("统一社会信用代码为 18 位，此处为 {count} 位", "a 统一社会信用代码 has 18 characters, this has {count}"),
        .usccCharacter: ("不能含字符“{character}”（代码中没有字母 I、O、S、V、Z）", "character '{character}' is not allowed (letters I, O, S, V, Z never appear)"),
        .usccCheck: ("校验位应为“{expected}”；请重新输入，若代码确实如此请加 --allow-bad-uscc",
                     "check character should be '{expected}'; retype it, or pass --allow-bad-uscc if the code is real"),
        .patentLength: ("专利申请号为 12 位数字加校验位（201710601862.3）或 8 位加校验位（97101765.4）",
                        "a patent application number has 12 digits + check (201710601862.3) or 8 + check (97101765.4)"),
        .patentDigits: ("专利申请号应为数字，最后一位校验位可为 X", "a patent application number is digits with a final check digit or X"),
        .patentType: ("类型位“{digit}”不是 1（发明）、2（实用新型）、3（外观）、8 或 9（PCT）", "type digit '{digit}' is not 1 (发明), 2 (实用新型), 3 (外观), 8 or 9 (PCT)"),
        .patentYear: ("申请年份 {year} 不是有效的专利年份", "filing year {year} is not a patent year"),
        .patentCheck: ("校验位应为“{expected}”", "check digit should be '{expected}'"),
        .trademarkNumber: ("商标注册号应为数字，如 12345678", "a trademark registration number is digits, e.g. 12345678"),
        .rightNumber: ("权利编号为 1 到 60 个字符，不能含控制字符", "a right's number is 1 to 60 characters without control characters"),
        .rightListedTwice: ("同一项权利列了两次", "the same right is listed twice"),
        .ipType: ("应为 专利/patent、商标/trademark、著作权/copyright 或 其他/other", "expected patent/专利, trademark/商标, copyright/著作权 or other/其他"),
        .flag: ("应为 是/否、yes/no、true/false 或 1/0", "expected 是/否, yes/no, true/false or 1/0"),
        .rate: ("应为年利率百分数，大于 0 小于 100，如 3.85", "expected an annual rate in percent above 0 and below 100, e.g. 3.85"),
        .operatorName: ("操作人名称为 1 到 {max} 个字符，不能含控制字符", "an operator name is 1 to {max} characters without control characters"),
        .notADate: ("应为有效日期，写作 2024-03-05、2024/3/5 或 2024年3月5日", "expected a real date written 2024-03-05, 2024/3/5 or 2024年3月5日"),
        .notAMonth: ("应为月份，写作 2024-03", "expected a month written 2024-03"),
        .futureDate: ("日期晚于今天（{today}），不接受未来日期", "the date is after today ({today}); future dates are refused"),
        .beforeRegistrationDate: ("早于登记日期 {date}", "is before the registration date {date}"),
        .statusDateRequired: ("状态为“{status}”的登记需要填写日期，且不晚于今天", "a {status} registration needs its date, not after today"),
        .status: ("应为 active（有效）、released（已注销）、defaulted（违约）或 void（作废）", "expected active, released, defaulted or void"),
        .unknownBank: ("未知银行；可用的名称见 `pledge reference banks`", "unknown bank; see `pledge reference banks` for the names"),
        .unknownPark: ("未知园区；可用的名称见 `pledge reference parks`", "unknown park; see `pledge reference parks` for the names"),
        .unknownPrefecture: ("未知市州；请用甘肃的市州名称或 GB/T 2260 代码（兰州市、620100）",
                             "unknown prefecture; use a Gansu name or GB/T 2260 code (兰州市, 620100)"),
        .didYouMean: ("{rule}。是否是：{names}？", "{rule}. Did you mean: {names}?"),
        .parkInOtherPrefecture: ("园区 {park} 属于 {prefecture}；请不填市州，或改正其中一项", "park {park} counts under {prefecture}; leave the prefecture empty or fix one of them"),
        .ambiguousName: ("对应多个：{names}；请多输入几个字", "matches several: {names}; type more of the name"),
        .targetName: ("目标名称为 1 到 60 个字符，不能含控制字符", "a target name is 1 to 60 characters without control characters"),
        .defaultTargetRemoved: ("这是默认目标，不能删除；请先用 `pledge target default` 选择另一个默认目标",
                                "it is the default target; choose another default first with `pledge target default`"),
        .targetNotPositive: ("目标金额必须大于零", "the target must be greater than zero"),
        .windowEndsBeforeStart: ("目标期末早于期初（{from}）", "the window ends before it starts ({from})"),
        .monthBeforeFrom: ("早于 --from {from}", "is before --from {from}"),
        .reportTooLong: ("报表最多覆盖 {years} 年", "a report covers at most {years} years"),
        .reasonRequired: ("必须填写原因（会记入日志）", "a reason is required (it is recorded in the journal)"),
        .headPrefix: ("应为 SEQ:HASH，HASH 至少 8 位十六进制数字", "expected SEQ:HASH with at least 8 hex digits of the hash"),

        .ledgerMissing: ("{path} 处没有台账；请用 `pledge --db {path} init` 创建（或设置 --db / $PLEDGE_DB）",
                         "no ledger at {path}; create one with `pledge --db {path} init` (or set --db / $PLEDGE_DB)"),
        .ledgerExists: ("{path} 已有文件；`init` 从不覆盖台账，请换一个 --db 路径",
                        "a file already exists at {path}; `init` never overwrites a ledger: choose another --db path"),
        .notALedger: ("{path} 不是质押融资台账（{detail}）；请检查 --db 路径", "{path} is not a pledge ledger ({detail}); check the --db path"),
        .newerSchema: ("{path} 由更新版本的 pledge 写入；请先升级 pledge", "{path} was written by a newer version of pledge; upgrade pledge before using this ledger"),
        .olderSchema: ("{path} 由旧版本的 pledge 写入，只读打开；请不加 --read-only 打开一次（如 `pledge --db {path} audit head`）以升级",
                       "{path} was written by an older version of pledge and is open read-only; open it once without --read-only (e.g. `pledge --db {path} audit head`) to upgrade its schema"),
        .readOnly: ("台账 {path} 以只读方式打开（--read-only 或 PLEDGE_READ_ONLY=1）；未写入任何内容",
                    "the ledger {path} is open read-only (--read-only or PLEDGE_READ_ONLY=1); nothing was written"),
        .busy: ("台账 {path} 正被另一写入者锁定；未写入任何内容，请稍后重试", "the ledger {path} is locked by another writer; nothing was written, try again in a moment"),
        .interruptedWrite: ("{path} 有一次中断的写入（{path}-journal），只读打开无法回滚；请不加 --read-only 打开一次（如 `pledge --db {path} audit head`），将恢复到最后一次提交的状态",
                            "{path} holds an interrupted write ({path}-journal) that a read-only open cannot roll back; open it once without --read-only (e.g. `pledge --db {path} audit head`), which restores the last committed state"),
        .io: ("无法读写 {path}：{detail}", "cannot read or write {path}: {detail}"),
        .registrationExists: ("登记号 {regNo} 已登记；未写入任何内容（更正字段请用 `pledge correct {regNo}`）",
                              "登记号 {regNo} is already registered; nothing was written (use `pledge correct {regNo}` to fix a field)"),
        .registrationMissing: ("台账中没有登记号 {regNo}；请用 `pledge query` 核对", "登记号 {regNo} is not in the ledger; check the number with `pledge query`"),
        .targetMissing: ("没有名为 {name} 的目标；见 `pledge target list`", "no target named {name}; see `pledge target list`"),
        .closedPeriod: ("登记号 {regNo} 的日期 {date} 属于已关账的 {month}；未写入任何内容（如确属补录，请加 --late 和 --reason）",
                        "登记号 {regNo} is dated {date}, in the closed period {month}; nothing was written (pass --late with --reason to record it as a late adjustment)"),
        .periodAlreadyClosed: ("{month} 已关账；见 `pledge period list`", "the period {month} is already closed; see `pledge period list`"),
        .periodNotOver: ("{month} 尚未结束；月份从最后一天起才能关账", "the month {month} has not ended yet; a period can be closed from its last day on"),
        .rightPledged: ("登记号 {regNo}：{right} 已由登记号 {holder} 质押且未注销；登记机关不接受重复质押，未写入任何内容（先注销 {holder}，或加 --allow-double-pledge 和 --reason）",
                        "登记号 {regNo}: {right} is already pledged by 登记号 {holder}, which is not released; the registry refuses a second pledge and nothing was written (release {holder} first, or pass --allow-double-pledge with --reason)"),
        .periodNotClosed: ("{month} 未关账；见 `pledge period list`", "the period {month} is not closed; see `pledge period list`"),
        .totalsOutOfRange: ("台账合计将超过可容纳的最大金额（92,233,720,368,547,758.07 元）；未写入任何内容（请检查金额和单位）",
                            "the ledger's totals would pass the largest amount it can hold (92,233,720,368,547,758.07 元); nothing was written (check the amounts and their unit)"),
        .damagedSchema: ("{path} 已损坏：{detail}；未写入任何内容。请从最近的备份（`pledge backup`）恢复台账并运行 `pledge audit verify`",
                         "{path} is damaged: {detail}; nothing was written. Restore the ledger from its last backup (`pledge backup`) and run `pledge audit verify` on it"),
        .damagedData: ("台账在 pledge 之外被改动：{detail}；请运行 `pledge --read-only audit verify` 并恢复最近的备份",
                       "the ledger was altered outside pledge: {detail}; run `pledge --read-only audit verify` and restore the last backup"),
        .internalError: ("内部错误：{detail}；请连同所运行的命令一起报告", "internal error: {detail}; please report it with the command you ran"),

        .lifecycle: ("登记号 {regNo}：{rule}；未写入任何内容", "登记号 {regNo}: {rule}; nothing was written"),
        .voidCannotChange: ("该登记已作废，不能更正", "it is void and cannot be corrected"),
        .alreadyVoid: ("该登记已作废", "it is already void"),
        .correctionChangesNothing: ("更正没有改变任何内容", "the correction changes nothing"),
        .regNoIsPermanent: ("登记号不能更正；请作废后重新登记", "the 登记号 cannot be corrected; void it and register again"),
        .notReleasable: ("该登记状态为{status}；只有有效或违约的登记可以注销", "it is {status}; only an active or defaulted registration can be released"),
        .notDefaultable: ("该登记状态为{status}；只有有效的登记可以记录违约", "it is {status}; only an active registration can default"),
        .notExtendable: ("该登记状态为{status}；只有有效或违约的登记可以展期", "it is {status}; only an active or defaulted registration can be extended"),
        .maturityNotLater: ("到期日 {new}：展期必须晚于原到期日 {old}", "maturity {new}: an extension must move the maturity later than {old}"),
        .extensionFromOtherMaturity: ("展期不是从该登记的到期日开始", "the extension does not start from the registration's maturity"),
        .dateBeforeRegistration: ("日期 {date} 早于登记日期 {regDate}", "date {date} is before the registration date {regDate}"),
        .maturityBeforeRegistration: ("到期日 {date} 早于登记日期 {regDate}", "maturity {date} is before the registration date {regDate}"),
        .notAChange: ("{kind} 日志不改变单笔登记", "a {kind} entry does not change one registration"),

        .fileMissing: ("{file}：文件不存在；请检查路径", "{file}: no such file; check the path"),
        .fileUnreadable: ("{file}：无法读取：{detail}", "{file}: cannot read: {detail}"),
        .notRegular: ("{file}：不是普通文件（管道、套接字、设备或文件夹）；请把清单存为文件再导入",
                      "{file}: not a regular file (a pipe, socket, device or folder); save the list as a file and import that"),
        .badEncoding: ("{file}:{line}：{detail}；请把文件存为 UTF-8 或 GB18030（Excel：CSV UTF-8），或加 --encoding",
                       "{file}:{line}: {detail}; save the file as UTF-8 or GB18030 (Excel: CSV UTF-8), or pass --encoding"),
        .emptyFile: ("{place}：文件为空；需要表头行（见 `pledge import --help`）", "{place}: the file is empty; a header row is required (see `pledge import --help`)"),
        .noDataRows: ("{place}：文件只有表头没有数据行；没有可导入的内容", "{place}: the file has a header but no data rows; nothing to import"),
        .unterminatedQuote: ("{place}：引号字段从这里开始但没有结束；请补上右引号 \"（此行之后无法读取）",
                             "{place}: a quoted field opens here and never closes; add the closing \" (nothing after this row could be read)"),
        .characterAfterQuote: ("{place}：右引号后还有文字；在引号字段内引号要写成 \"\"", "{place}: text after a closing quote; inside a quoted field write a quote as \"\""),
        .invalidUTF8Forced: ("{place}：不是有效的 UTF-8；文件可能是 GB18030（试试 --encoding gb18030）",
                             "{place}: not valid UTF-8; the file may be GB18030 (try --encoding gb18030)"),
        .invalidUTF8AfterBOM: ("{place}：文件以 UTF-8 BOM 开头，但此行是另一种编码；请把整个文件存为 UTF-8 或 GB18030",
                               "{place}: not valid UTF-8; the file starts with a UTF-8 BOM but this row is in another encoding: save the whole file as UTF-8 or GB18030"),
        .fieldTooLarge: ("{place}：单元格超过 {size} KiB 上限；请确认文件是登记清单", "{place}: the cell is longer than {size} KiB, the most a cell may hold; check that the file is a registrations list"),
        .recordTooLarge: ("{place}：此行超过 {size} MiB 上限；请确认文件是登记清单", "{place}: the row is longer than {size} MiB, the most a row may hold; check that the file is a registrations list"),
        .headerEmpty: ("表头单元格为空；请给该列命名或删除该列", "the header cell is empty; name the column or delete it"),
        .headerUnknown: ("未知列；已知列为 {names}；或加 --ignore-unknown-columns", "unknown column; known columns are {names}; or pass --ignore-unknown-columns"),
        .headerDuplicate: ("重复列：“{other}”（第 {index} 列）已是 {column}", "duplicate column: \"{other}\" (column {index}) already holds {column}"),
        .headerMissing: ("缺少必填列 {names}", "missing required column {names}"),
        .headerNoAmount: ("缺少金额列：登记金额(元) / amount_yuan 或 登记金额(万元) / amount_wan",
                          "missing the amount column: amount_yuan / 登记金额(元) or amount_wan / 登记金额(万元)"),
        .headerTwoAmounts: ("有两个金额列；请只保留 登记金额(元) 或 登记金额(万元)", "two amount columns; keep either 登记金额(元) or 登记金额(万元)"),
        .headerRefused: ("{file}：拒绝导入，未写入任何内容；请修改表头行", "{file}: import refused, nothing was written; fix the header row"),
        .moreProblems: ("… 另有 {count} 个问题未列出（加大 --max-errors 可查看）", "… {count} more problems not listed (raise --max-errors to see them)"),
        .importSummaryWarned: ("{summary}，有警告 {warned}", "{summary}, {warned} with warnings"),
        .importSummary: ("新增 {new}，未变 {unchanged}，冲突 {conflicting}，无效 {invalid}", "{new} new, {unchanged} unchanged, {conflicting} conflicting, {invalid} invalid"),
        .importRefusedInvalid: ("{file}：拒绝导入，未写入任何内容；请改正以上各行后重新导入",
                                "{file}: import refused, nothing was written; fix the rows above and import the file again"),
        .importRefusedConflict: ("{file}：拒绝导入，未写入任何内容；文件与台账不一致：请更正台账（`pledge correct`）或文件",
                                 "{file}: import refused, nothing was written; the file disagrees with the ledger: correct the ledger (`pledge correct`) or the file"),
        .dryRunNote: ("（试运行，未写入）", " (dry run: nothing written)"),
        .importConflict: ("{place}：登记号 {regNo} 已在台账中，内容不同：{changes}（台账 → 文件）",
                          "{place}: 登记号 {regNo} is in the ledger with other content: {changes} (ledger → file)"),
        .importChangesClosed: ("{place}：值“{value}”属于已关账的 {month}；如确属补录，请加 --late 和 --reason",
                               "{place}: value \"{value}\" — dated in the closed period {month}; pass --late with --reason to record it as a late adjustment"),
        .importDuplicateInFile: ("{place}：值“{regNo}”——同一登记号在第 {row} 行内容不同：{changes}",
                                 "{place}: value \"{regNo}\" — the same 登记号 is on row {row} with other content: {changes}"),
        .fieldCount: ("{place}：此行有 {count} 个字段，表头有 {width} 个；请检查是否有未加引号的逗号或缺少的单元格",
                      "{place}: the row has {count} fields, the header has {width}; check for an unquoted comma or a missing cell"),
        .truncatedGB18030: ("文件在一个 GB18030 字符中间结束", "the file ends inside a GB18030 character"),
        .neitherEncoding: ("既不是 UTF-8 也不是 GB18030 的字节", "bytes that are neither UTF-8 nor GB18030"),
        .column: ("第 {index} 列", "column {index}"),

        .kindReference: ("参考数据", "reference"),
        .kindTarget: ("目标", "target"),
        .kindRegister: ("登记", "register"),
        .kindCorrect: ("更正", "correct"),
        .kindVoid: ("作废", "void"),
        .kindRelease: ("注销", "release"),
        .kindDefault: ("违约", "default"),
        .kindExtend: ("展期", "extend"),
        .kindPeriodClose: ("关账", "period-close"),
        .late: ("（补录）", " (late)"),
        .kindPeriodReopen: ("重新开账", "period-reopen"),
        .kindTargetRemove: ("删除目标", "target-remove"),
        .kindTargetDefault: ("设为默认目标", "target-default"),
        .kindCheckAck: ("复核问题", "check-ack"),
        .kindSetting: ("台账设置", "setting"),
        .kindUser: ("用户", "user"),
        .userExists: ("已有名为 {name} 的用户；未写入任何内容", "a user named {name} exists already; nothing was written"),
        .userMissing: ("没有名为 {name} 的用户；见 `pledge user list`", "no user named {name}; see `pledge user list`"),
        .password: ("密码至少 {min} 个字符，不能含控制字符", "a password has at least {min} characters and no control characters"),
        .atLeast: ("至少为 {min}", "must be at least {min}"),
        .queryFormat: ("query 只输出 table、csv 或 json", "query writes table, csv or json"),
        .jsonObject: ("请求体应为一个 JSON 对象", "the body must be one JSON object"),
        .jsonValue: ("取值应为文本、数字、是否或文本数组", "a value must be text, a number, true/false or a list of text"),
        .unknownKey: ("未知的键；可用：{names}", "unknown key; the keys are {names}"),
        .tlsFile: ("不是可读的 PEM 证书或私钥（{detail}）", "not a readable PEM certificate or private key ({detail})"),
        .tlsPair: ("--tls-cert 与 --tls-key 须同时给出", "give both --tls-cert and --tls-key, or neither"),
        .listenAddress: ("应为 主机:端口，如 127.0.0.1:8080（端口 0–65535）", "expected HOST:PORT such as 127.0.0.1:8080 (port 0–65535)"),
        .releaseReason: ("应为 已还款/repaid 或 其他/other", "expected repaid/已还款 or other/其他"),
        .grouping: ("应为 prefecture、park、bank、ip-type 或 rywq", "expected prefecture, park, bank, ip-type or rywq"),
        .approvalSetting: ("应为 required（需要审批）或 off（不需要）", "expected required or off"),
        .proposalStatus: ("应为 pending（待审批）、approved（已批准）或 rejected（已驳回）", "expected pending, approved or rejected"),
        .approvalRequired: ("台账要求审批：此变更须作为提案提交；未写入任何内容", "the ledger requires approval: the change must be proposed; nothing was written"),
        .proposalMissing: ("没有编号为 {seq} 的提案；见 `pledge proposals`", "no proposal {seq}; see `pledge proposals`"),
        .proposalDecided: ("提案 {seq} 已{status}；未写入任何内容", "proposal {seq} is {status} already; nothing was written"),
        .sameApprover: ("提案 {seq} 由 {name} 提交，须由另一人审批；未写入任何内容", "proposal {seq} was made by {name}; another person must decide it; nothing was written"),
        .proposalStale: ("提案 {seq} 提交后登记号 {regNo} 已被变更；提案仍待审批，可驳回后重新提交", "登记号 {regNo} changed since proposal {seq} was made; it stays pending: reject it and propose again"),
        .proposed: ("已提交待审批：提案 {seq}，经另一人审批后生效", "proposed for approval: proposal {seq}; it counts once another person approves it"),
        .approvedProposal: ("已批准提案 {seq}：写入 {changes} 条日志", "approved proposal {seq}: {changes} entries written"),
        .rejectedProposal: ("已驳回提案 {seq}", "rejected proposal {seq}"),
        .approvalNow: ("审批：{setting}", "approval: {setting}"),
        .statusPending: ("待审批", "pending"),
        .statusApproved: ("已批准", "approved"),
        .statusRejected: ("已驳回", "rejected"),
        .kindProposal: ("提案", "proposal"),
        .kindApprove: ("批准", "approve"),
        .kindReject: ("驳回", "reject"),
        .proposedBy: ("由 {name} 于 {at} 提交（提案 {seq}）", "proposed by {name} at {at} (proposal {seq})"),
        .approvedBy: ("由 {name} 于 {at} 批准", "approved by {name} at {at}"),
        .role: ("应为 admin（管理员）、clerk（录入员）、checker（复核员）或 auditor（审计员）", "expected admin, clerk, checker or auditor"),

        .findingDoublePledge: ("{right} 同时被多笔有效登记质押：{holders}", "{right} is pledged by several registrations while each is active: {holders}"),
        .actionDoublePledge: ("向登记机关核实哪一笔有效，注销或作废其余的", "check with the registry which pledge is valid; release or void the others"),
        .findingPastPatentTerm: ("到期日 {maturity} 晚于专利 {patent} 的法定期限（{filed} 年申请，{years} 年：最迟 {expiry} 届满）",
                                 "maturity {maturity} is after the legal term of {patent} (filed {filed}, {years} years: expires by {expiry})"),
        .actionPastPatentTerm: ("向银行核实到期日，或更换已届满的权利", "confirm the maturity with the bank, or replace the expired right"),
        .findingMaturityBeforeRegistration: ("到期日 {maturity} 早于登记日期 {date}", "maturity {maturity} is before the registration date {date}"),
        .actionMaturityBeforeRegistration: ("更正到期日或登记日期", "correct the maturity or the date"),
        .findingMaturedNotReleased: ("已于 {maturity} 到期，仍为有效状态", "matured on {maturity} and is still active"),
        .actionMaturedNotReleased: ("已还款则注销（pledge release），已展期则记录展期（pledge extend），违约则记录违约",
                                    "release it if repaid (pledge release), record the extension (pledge extend) or the default"),
        .findingLikelyDuplicate: ("同一企业 {uscc}、银行 {bank}、日期 {date}、金额 {amount} 万元", "same enterprise {uscc}, bank {bank}, date {date} and amount {amount} 万元"),
        .actionLikelyDuplicate: ("如有重复录入，作废其一", "if one was entered twice, void it"),
        .findingUSCCOverride: ("统一社会信用代码 {uscc}（{enterprise}）校验位错误但已被接受", "USCC {uscc} ({enterprise}) was accepted with a wrong check character"),
        .actionUSCCOverride: ("对照营业执照核实代码，录错则更正", "confirm the code on the business licence; correct it if it was mistyped"),
        .noFindings: ("未发现问题", "no findings"),
        .findingsCount: ("共 {count} 项（已复核 {reviewed} 项）：{rules}", "{count} findings ({reviewed} reviewed): {rules}"),
        .reviewed: ("已复核：{reason}（{operator}，{at}）", "reviewed: {reason} ({operator}, {at})"),
        .unknownFinding: ("当前没有这项问题；问题编号见 `pledge check`", "no such finding now; `pledge check` lists the findings with their ids"),

        .auditEntry: ("日志 {seq}：{problem}", "entry {seq}: {problem}"),
        .auditSeqGap: ("序号应为 {expected}；日志缺失或被重新编号", "expected seq {expected}; entries are missing or renumbered"),
        .auditBrokenLink: ("prev_hash 与日志 {previous} 的哈希不符；哈希链在此断开", "prev_hash does not match the hash of entry {previous}; the chain is broken here"),
        .auditHashMismatch: ("哈希与内容不符；该日志写入后被改动", "the hash does not match its payload; the entry was altered after it was written"),
        .auditColumnType: ("某列的存储类型不是日志写入的类型（文本）；已被改动", "a column is stored as another type than the journal writes (text); it was altered"),
        .auditNotExpectedHead: ("哈希 {hash} 不是预期的头部 {expected}", "hash {hash} is not the expected head {expected}"),
        .auditUnreadable: ("内容不是可读的日志；无法重放", "the payload is not a readable entry; it cannot be replayed"),
        .auditNotCanonical: ("内容不是规范格式（键、顺序、空白或转义不同）", "the payload is not in canonical form (keys, order, spacing or escapes differ)"),
        .auditColumnsDiffer: ("seq/at/operator/kind/reg_no 列与内容不符", "the columns seq/at/operator/kind/reg_no differ from its payload"),
        .auditTimeBackwards: ("时间 {at} 早于上一条日志的 {previous}；日志被重排或重写", "its time {at} is before the previous entry's {previous}; the journal was reordered or rewritten"),
        .auditRegNoColumn: ("登记号列与登记内容中的 {regNo} 不符", "its 登记号 column is not the registration's {regNo}"),
        .auditAmountOutOfRange: ("金额 {fen} 分超出单笔登记的范围（1 分至 1,000 亿元）；未重放", "amount {fen} fen is outside what one registration may hold (1 fen to 1,000 亿元); it was not replayed"),
        .auditRegisteredTwice: ("第二次登记登记号 {regNo}", "registers 登记号 {regNo} a second time"),
        .auditNotRegistered: ("变更的登记号 {regNo} 未登记", "changes 登记号 {regNo}, which is not registered"),
        .auditForbidden: ("台账规则不允许此{kind}（{reason}）；未重放", "the ledger's rules forbid this {kind} ({reason}); it was not replayed"),
        .auditClosedTwice: ("第二次关账 {month}", "closes {month} a second time"),
        .auditWrongAnchor: ("{month} 的关账记录的头部是 {headSeq}:{headHash}，而不是它之前的日志（{previousSeq}:{previousHash}）",
                            "the close of {month} records head {headSeq}:{headHash}, not the entry before it ({previousSeq}:{previousHash})"),
        .auditWrongTotals: ("{month} 记录的汇总不是日志中该时点的当月汇总", "the totals recorded for {month} are not the month's totals at that point in the journal"),
        .auditReopensOpenMonth: ("重新开账的 {month} 并未关账", "reopens {month}, which is not closed"),
        .auditRemovesMissingTarget: ("删除的目标 {name} 并不存在", "removes target {name}, which is not set"),
        .auditDefaultsMissingTarget: ("设为默认的目标 {name} 并不存在", "makes {name} the default target, which is not set"),
        .auditClosedMonthWithoutLate: ("日期 {date} 属于已关账的 {month}，却没有补录标记", "dated {date} in the closed month {month} without the late flag"),
        .auditUnknownSetting: ("设置 {key}={value} 不是台账认识的设置", "setting {key}={value} is not one the ledger knows"),
        .auditUnapproved: ("台账要求审批时写入的变更没有经过审批", "a change written while the ledger required approval, without an approval"),
        .auditNotAsProposed: ("审批提案 {proposal} 时写入的内容与提案不同", "written by the approval of proposal {proposal} but not what it proposed"),
        .auditApprovalIncomplete: ("批准提案 {proposal} 后缺少提案中的变更", "approves proposal {proposal}, but its changes do not all follow"),
        .auditUnknownProposal: ("决定的提案 {proposal} 不存在", "decides proposal {proposal}, which does not exist"),
        .auditDecidedTwice: ("第二次决定提案 {proposal}", "decides proposal {proposal} a second time"),
        .auditDecidedByProposer: ("提案 {proposal} 由其提交人 {name} 自己决定", "proposal {proposal} decided by {name}, who proposed it"),
        .auditRowMissing: ("{table} {key}：日志中有，台账中缺失", "{table} {key}: in the journal but missing from the ledger"),
        .auditRowExtra: ("{table} {key}：台账中有，日志中没有", "{table} {key}: present in the ledger but not in the journal"),
        .auditRowDiffers: ("{table} {key}：与日志记录不符（{differences}）", "{table} {key}: differs from what the journal records ({differences})"),
        .auditDifference: ("{column}：台账为 {ledger}，日志为 {journal}", "{column}: {ledger} in the ledger, {journal} from the journal"),
        .auditTriggerMissing: ("日志的触发器 {name} 缺失：SQLite 不再拒绝它所防范的改动；请从备份恢复台账，或查明是谁删除了它",
                               "the journal's trigger {name} is missing: SQLite no longer refuses what it guards against; restore the ledger from a backup, or find out who removed it"),
        .auditObjectMissing: ("结构中的 {type} {name} 缺失；请从备份恢复台账", "the schema's {type} {name} is missing; restore the ledger from a backup"),
        .auditTriggerChanged: ("日志的触发器 {name} 与结构定义不符：已被替换；请从备份恢复台账", "the journal's trigger {name} is not the schema's: it was replaced; restore the ledger from a backup"),
        .auditObjectChanged: ("结构中的 {type} {name} 与迁移创建的不同（{sql}）；请从备份恢复台账", "the schema's {type} {name} is not what the migrations create ({sql}); restore the ledger from a backup"),
        .auditTriggerExtra: ("日志上有结构之外的触发器：{name}；请查明是谁添加的", "the journal has a trigger the schema does not create: {name}; find out who added it"),
        .auditObjectExtra: ("台账有结构之外的 {type}：{name}；请查明是谁添加的", "the ledger has an extra {type} the schema does not create: {name}; find out who added it"),
        .auditMigrations: ("grdb_migrations 记录了 {recorded}；本台账的结构是 {known}：迁移记录被改动；请恢复最近的备份",
                           "grdb_migrations: records {recorded}; this ledger's schema is {known}: the migration record was altered; restore the last backup"),
        .auditNoMigration: ("没有迁移", "no migration"),
        .auditTotalsBeyondInt64: ("日志中的金额合计超过台账可容纳的最大值（Int64 分）", "the journal's amounts add up beyond the largest total a ledger can hold (an Int64 of fen)"),
        .auditExpectedHeadGone: ("日志中没有第 {seq} 条（只到 {last}）；预期的头部 {seq}:{hash} 已不存在", "the journal has no entry {seq} (it ends at {last}); the expected head {seq}:{hash} is gone"),

        .usageMissingArgument: ("缺少必需的参数 {argument}", "Missing expected argument '{argument}'"),
        .usageMissingOneOf: ("缺少以下参数之一：{arguments}", "Missing one of: {arguments}"),
        .usageUnknownOption: ("未知选项 {option}", "Unknown option '{option}'"),
        .usageUnknownOptionSuggest: ("未知选项 {option}；是否是 {suggestion}？", "Unknown option '{option}'. Did you mean '{suggestion}'?"),
        .usageMissingValue: ("选项 {option} 缺少取值", "Missing value for '{option}'"),
        .usageUnexpectedArgument: ("多余的参数：{arguments}", "Unexpected argument: {arguments}"),
        .usageInvalidValue: ("值“{value}”不能用于 {option}{detail}", "The value '{value}' is invalid for '{option}'{detail}"),
        .usageChoices: ("；可选：{choices}", ". Please provide one of {choices}."),
        .usageTakesNoValue: ("选项 {option} 不带取值，却给了“{value}”", "The option '{option}' does not take any value, but '{value}' was specified."),
        .usageMissingSubcommand: ("缺少子命令", "Missing required subcommand."),
        .usageOther: ("用法错误：{message}", "{message}"),
        .usageHelp: ("说明：{help}", "Help:  {help}"),
        .usageLine: ("用法：{usage}", "Usage: {usage}"),
        .usageSeeHelp: ("  详见 `{command} --help`。", "  See '{command} --help' for more information."),
        .maxErrorsTooSmall: ("--max-errors 至少为 1", "--max-errors must be at least 1"),
        .exportUnit: ("导出的 --unit 只能是 元 或 万（yuan 或 wan）", "--unit must be yuan or wan for export"),
        .statusActive: ("有效", "active"),
        .statusReleased: ("已注销", "released"),
        .statusDefaulted: ("违约", "defaulted"),
        .statusVoid: ("作废", "void"),
    ]

    /// The CLI's flags that the server takes as the API's keys and the forms' fields, longest first.
    static let httpNames: [(String, String)] = ["--allow-double-pledge", "--confirm-amount", "--allow-bad-uscc", "--encoding", "--reason", "--strict",
                                                "--late", "--unit"].map { ($0, $0.dropFirst(2).replacingOccurrences(of: "-", with: "_")) }
}
