import PledgeCore
import PledgeStore

extension Messages {
    /// What is wrong, in the user's words.
    public func detail(_ f: DataQualityFinding) -> String {
        switch f.facts {
        case .doublePledge(let right, let dates):
            let holders = zip(f.regNos, dates).map { "\($0) (\($1))" }
            return text(.findingDoublePledge, ["right": right, "holders": holders.joined(separator: language == .zh ? "、" : ", ")])
        case .pastPatentTerm(let maturity, let patent, let filed, let years, let expiry):
            return text(.findingPastPatentTerm, ["maturity": maturity.description, "patent": patent, "filed": String(filed),
                                                 "years": String(years), "expiry": expiry.description])
        case .maturityBeforeRegistration(let maturity, let date):
            return text(.findingMaturityBeforeRegistration, ["maturity": maturity, "date": date])
        case .maturedNotReleased(let maturity): return text(.findingMaturedNotReleased, ["maturity": maturity])
        case .likelyDuplicate(let uscc, let bank, let date, let amount):
            return text(.findingLikelyDuplicate, ["uscc": uscc, "bank": bank, "date": date, "amount": amount.wanDisplay])
        case .usccOverride(let uscc, let enterprise): return text(.findingUSCCOverride, ["uscc": uscc, "enterprise": enterprise])
        }
    }

    /// What to do about it.
    public func action(_ f: DataQualityFinding) -> String {
        switch f.rule {
        case .doublePledge: text(.actionDoublePledge)
        case .maturityPastPatentTerm: text(.actionPastPatentTerm)
        case .maturityBeforeRegistration: text(.actionMaturityBeforeRegistration)
        case .maturedNotReleased: text(.actionMaturedNotReleased)
        case .likelyDuplicate: text(.actionLikelyDuplicate)
        case .usccOverride: text(.actionUSCCOverride)
        }
    }
}
