import PledgeCore
import PledgeStore

/// The libraries' error values in the user's words (`Catalog`): one line per problem, in zh or en.
public struct Messages: Sendable {
    public var language: Language
    /// Words for the server's answers: an option is named as the API's key or the form's field (`confirm_amount`), not
    /// as the CLI's flag (`--confirm-amount`).
    public var http: Bool
    public init(_ language: Language, http: Bool = false) { (self.language, self.http) = (language, http) }

    public func text(_ key: MessageKey, _ args: [String: String] = [:]) -> String { Catalog.text(key, language, args, http: http) }

    /// Any failure the libraries throw, one line per problem; a failure this catalog does not know keeps its own words.
    public func describe(_ failure: any Error) -> String {
        switch failure {
        case let e as FieldError: describe(e)
        case let e as InvalidRegistration: e.errors.map(describe).joined(separator: "\n")
        case let e as StoreError: describe(e)
        case let e as LifecycleError: describe(e)
        case let e as ImportRefused: describe(e)
        case let e as ImportError: describe(e, file: "")
        default: "\(failure)"
        }
    }

    public func describe(_ e: FieldError) -> String {
        text(.fieldError, ["field": e.field, "value": e.value.printableExcerpt, "rule": rule(e.rule)])
    }

    public func status(_ s: RegistrationStatus) -> String {
        switch s {
        case .active: text(.statusActive)
        case .released: text(.statusReleased)
        case .defaulted: text(.statusDefaulted)
        case .void: text(.statusVoid)
        }
    }

    /// A registration field as a clerk calls it.
    public func label(_ f: RegistrationField) -> String {
        let (zh, en): (String, String) = switch f {
        case .regNo: ("登记号", "登记号")
        case .regDate: ("登记日期", "registration date")
        case .uscc: ("统一社会信用代码", "USCC")
        case .enterprise: ("企业名称", "enterprise")
        case .bank: ("银行", "bank")
        case .branch: ("支行", "branch")
        case .amount: ("金额", "amount")
        case .ipType: ("质押物类型", "IP type")
        case .ipNumbers: ("知识产权号", "IP numbers")
        case .park: ("园区", "park")
        case .prefecture: ("市州", "prefecture")
        case .maturity: ("到期日", "maturity")
        case .rate: ("年利率", "rate")
        case .rywq: ("入园惠企", "入园惠企")
        case .firstLoan: ("首贷", "first loan")
        case .insured: ("保险", "insured")
        case .notes: ("备注", "notes")
        case .appraisedValue: ("评估价值", "appraised value")
        case .appraiser: ("评估机构", "appraiser")
        case .insurer: ("保险公司", "insurer")
        case .insuredAmount: ("保险金额", "insured amount")
        }
        return language == .zh ? zh : en
    }

    public func unit(_ u: MoneyUnit) -> String { language == .zh ? u.chineseName : "\(u.rawValue) (\(u.chineseName))" }

    private func list(_ names: [String]) -> String { names.joined(separator: language == .zh ? "、" : ", ") }

    public func rule(_ r: FieldRule) -> String {
        switch r {
        case .required: text(.required)
        case .controlCharacters: text(.controlCharacters)
        case .controlCharactersExceptLineBreaks: text(.controlCharactersExceptLineBreaks)
        case .tooLong(let max): text(.tooLong, ["max": String(max)])
        case .negativeAmount: text(.negativeAmount)
        case .notADecimal: text(.notADecimal)
        case .thousandsSeparators: text(.thousandsSeparators)
        case .tooManyDecimals(let max, let u): text(.tooManyDecimals, ["max": String(max), "unit": u.chineseName])
        case .amountTooLarge: text(.amountTooLarge)
        case .amountNotPositive: text(.amountNotPositive)
        case .amountOverRegistrationMaximum: text(.amountOverRegistrationMaximum)
        case .unusualAmount(let w): text(.confirmAmount, ["warning": warning(w, enterprise: "")])
        case .unitConflict(let w, let g): text(.unitConflict, ["written": unit(w), "given": unit(g)])
        case .unitMissing: text(.unitMissing)
        case .usccLength(let n): text(.usccLength, ["count": String(n)])
        case .usccCharacter(let c): text(.usccCharacter, ["character": c])
        case .usccCheck(let c): text(.usccCheck, ["expected": c])
        case .patentLength: text(.patentLength)
        case .patentDigits: text(.patentDigits)
        case .patentType(let d): text(.patentType, ["digit": d])
        case .patentYear(let y): text(.patentYear, ["year": String(y)])
        case .patentCheck(let c): text(.patentCheck, ["expected": c])
        case .trademarkNumber: text(.trademarkNumber)
        case .rightNumber: text(.rightNumber)
        case .rightListedTwice: text(.rightListedTwice)
        case .ipType: text(.ipType)
        case .flag: text(.flag)
        case .rate: text(.rate)
        case .policyName: text(.policyName)
        case .year: text(.year)
        case .share: text(.share)
        case .sharesSum(let bp): text(.sharesSum, ["sum": Percent.text(bp)])
        case .poolScope: text(.poolScope)
        case .disposalRoute: text(.disposalRoute)
        case .puhuiNotFrozen: text(.puhuiNotFrozen)
        case .operatorName(let max): text(.operatorName, ["max": String(max)])
        case .role: text(.role)
        case .approvalSetting: text(.approvalSetting)
        case .proposalStatus: text(.proposalStatus)
        case .releaseReason: text(.releaseReason)
        case .grouping: text(.grouping)
        case .listenAddress: text(.listenAddress)
        case .tlsFile(let detail): text(.tlsFile, ["detail": detail])
        case .jsonObject: text(.jsonObject)
        case .jsonValue: text(.jsonValue)
        case .unknownKey: text(.unknownKey, ["names": ImportColumn.allCases.compactMap { $0.field == nil ? nil : $0.headers[0] }.joined(separator: ", ")])
        case .atLeast(let n): text(.atLeast, ["min": String(n)])
        case .password(let min): text(.password, ["min": String(min)])
        case .notADate: text(.notADate)
        case .notAMonth: text(.notAMonth)
        case .futureDate(let today): text(.futureDate, ["today": today.description])
        case .beforeRegistrationDate(let d): text(.beforeRegistrationDate, ["date": d.description])
        case .statusDateRequired(let s): text(.statusDateRequired, ["status": status(s)])
        case .status: text(.status)
        case .unknownBank(let s): suggest(text(.unknownBank), s)
        case .unknownPark(let s): suggest(text(.unknownPark), s)
        case .unknownPrefecture(let s): suggest(text(.unknownPrefecture), s)
        case .parkInOtherPrefecture(let park, let pref): text(.parkInOtherPrefecture, ["park": park, "prefecture": pref])
        case .ambiguousName(let names): text(.ambiguousName, ["names": list(names)])
        case .targetName: text(.targetName)
        case .defaultTargetRemoved: text(.defaultTargetRemoved)
        case .targetNotPositive: text(.targetNotPositive)
        case .windowEndsBeforeStart(let from): text(.windowEndsBeforeStart, ["from": from.description])
        case .monthBeforeFrom(let from): text(.monthBeforeFrom, ["from": from])
        case .reportTooLong(let years): text(.reportTooLong, ["years": String(years)])
        case .reasonRequired: text(.reasonRequired)
        case .unknownFinding: text(.unknownFinding)
        case .headPrefix: text(.headPrefix)
        case .other(let s): s
        }
    }

    /// A registration's warning; `enterprise` is the name it was given (for the USCC warning).
    public func warning(_ w: RegistrationWarning, enterprise: String) -> String {
        switch w {
        case .amountAboveLimit(let limit):
            text(.warningAmountAboveLimit, ["limit": limit.value % MoneyUnit.yi.fenPerUnit == 0 ? "\(limit.value / MoneyUnit.yi.fenPerUnit) 亿元" : "\(limit.wanDisplay) 万元"])
        case .amountFarAboveMedian(let median, let factor): text(.warningAmountFarAboveMedian, ["median": median.wanDisplay, "factor": String(factor)])
        case .otherEnterpriseName(let uscc, let known): text(.warningOtherEnterpriseName, ["uscc": uscc, "known": known, "name": enterprise])
        }
    }

    private func suggest(_ rule: String, _ names: [String]) -> String {
        names.isEmpty ? rule : text(.didYouMean, ["rule": rule, "names": list(names)])
    }

    public func describe(_ e: StoreError) -> String {
        switch e {
        case .ledgerMissing(let p): text(.ledgerMissing, ["path": p])
        case .ledgerExists(let p): text(.ledgerExists, ["path": p])
        case .notALedger(let p, let d): text(.notALedger, ["path": p, "detail": d])
        case .newerSchema(let p): text(.newerSchema, ["path": p])
        case .olderSchema(let p): text(.olderSchema, ["path": p])
        case .readOnly(let p): text(.readOnly, ["path": p])
        case .busy(let p): text(.busy, ["path": p])
        case .interruptedWrite(let p): text(.interruptedWrite, ["path": p])
        case .io(let p, let d): text(.io, ["path": p, "detail": d])
        case .registrationExists(let r): text(.registrationExists, ["regNo": r])
        case .registrationMissing(let r): text(.registrationMissing, ["regNo": r])
        case .targetMissing(let n): text(.targetMissing, ["name": n])
        case .userExists(let n): text(.userExists, ["name": n])
        case .userMissing(let n): text(.userMissing, ["name": n])
        case .closedPeriod(let r, let d, let m): text(.closedPeriod, ["regNo": r, "date": d, "month": m])
        case .periodAlreadyClosed(let m): text(.periodAlreadyClosed, ["month": m])
        case .periodNotOver(let m): text(.periodNotOver, ["month": m])
        case .periodNotClosed(let m): text(.periodNotClosed, ["month": m])
        case .rightPledged(let r, let right, let holder): text(.rightPledged, ["regNo": r, "right": right, "holder": holder])
        case .approvalRequired: text(.approvalRequired)
        case .proposalMissing(let n): text(.proposalMissing, ["seq": String(n)])
        case .proposalDecided(let n, let s): text(.proposalDecided, ["seq": String(n), "status": proposalStatus(s)])
        case .sameApprover(let n, let name): text(.sameApprover, ["seq": String(n), "name": name])
        case .proposalStale(let n, let r): text(.proposalStale, ["seq": String(n), "regNo": r])
        case .totalsOutOfRange: text(.totalsOutOfRange)
        case .damagedSchema(let p, let d): text(.damagedSchema, ["path": p, "detail": d])
        case .damagedData(let d): text(.damagedData, ["detail": d])
        case .internalError(let d): text(.internalError, ["detail": d])
        case .subsidyPolicyMissing(let n): text(.subsidyPolicyMissing, ["name": n])
        case .poolMissing(let n): text(.poolMissing, ["name": n])
        case .recoveryRefused(let r, let v): text(.recoveryRefused, ["regNo": r, "rule": recovery(v)])
        case .subsidyOverpaid(let u, let p, let a, let d, let paid):
            text(.subsidyOverpaid, ["uscc": u, "policy": p, "amount": a.formatted(.yuan, decimals: 2, grouping: true), "due": d.formatted(.yuan, decimals: 2, grouping: true),
                                    "paid": paid.formatted(.yuan, decimals: 2, grouping: true), "outstanding": (d - paid).formatted(.yuan, decimals: 2, grouping: true)])
        case .notEmpty(let p): text(.notEmpty, ["path": p])
        case .sqliteOnly(let o, let l): text(.sqliteOnly, ["operation": o, "location": l])
        case .notOnPostgres(let o): text(.notOnPostgres, ["operation": o])
        case .badLocation(let l): text(.badLocation, ["location": l])
        case .replayMismatch(let n): text(.replayMismatch, ["seq": String(n)])
        }
    }

    public func describe(_ e: LifecycleError) -> String {
        let detail: String
        switch e.rule {
        case .voidCannotChange: detail = text(.voidCannotChange)
        case .alreadyVoid: detail = text(.alreadyVoid)
        case .correctionChangesNothing: detail = text(.correctionChangesNothing)
        case .regNoIsPermanent: detail = text(.regNoIsPermanent)
        case .notReleasable(let s): detail = text(.notReleasable, ["status": status(s)])
        case .notDefaultable(let s): detail = text(.notDefaultable, ["status": status(s)])
        case .notExtendable(let s): detail = text(.notExtendable, ["status": status(s)])
        case .maturityNotLater(let old, let new): detail = text(.maturityNotLater, ["old": old.description, "new": new.description])
        case .extensionFromOtherMaturity: detail = text(.extensionFromOtherMaturity)
        case .beforeRegistration(let f, let d, let r):
            detail = text(f == .maturity ? .maturityBeforeRegistration : .dateBeforeRegistration, ["date": d.description, "regDate": r.description])
        case .notAChange(let k): detail = text(.notAChange, ["kind": k.rawValue])
        }
        return text(.lifecycle, ["regNo": e.regNo, "rule": detail])
    }
}
