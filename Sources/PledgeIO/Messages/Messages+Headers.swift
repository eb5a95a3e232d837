extension Messages {
    /// A report CSV's column as the language shows it: the key itself in English (what scripts read), the clerk's
    /// word in Chinese. JSON keys never change.
    public func csvHeader(_ key: String) -> String {
        guard language == .zh else { return key }
        return Self.chineseHeaders[key] ?? key
    }

    public func csvHeaders(_ keys: [String]) -> [String] { keys.map(csvHeader) }

    static let chineseHeaders: [String: String] = [
        "month": "月份", "group": "分组", "year": "年度", "registrations": "笔数", "amount_fen": "金额(分)", "amount_wan": "金额(万元)",
        "amountFen": "金额(分)", "amountWan": "金额(万元)", "growthPercent": "同比增长(%)",
        "cumulative_fen": "累计(分)", "cumulative_wan": "累计(万元)", "percent_of_target": "目标完成率(%)", "closed": "已关账",
        "late_adjustment_fen": "补录调整(分)",
        "reg_no": "登记号", "reg_date": "登记日期", "ip_type": "质押物类型", "uscc": "统一社会信用代码", "enterprise": "企业名称",
        "bank": "银行", "branch": "支行", "park": "园区", "prefecture": "市州", "maturity": "到期日", "rywq": "入园惠企",
        "first_loan": "首贷", "status": "状态", "status_date": "状态日期", "pledge_rate_percent": "质押率(%)",
        "targetName": "目标", "ipType": "质押物类型", "targetFen": "目标金额(分)", "fromDate": "起始日", "toDate": "截止日", "asOf": "截至",
        "countedTo": "统计至", "achievedFen": "已完成(分)", "achievedWan": "已完成(万元)", "percent": "完成率(%)",
        "remainingFen": "尚差(分)", "remainingWan": "尚差(万元)", "monthsLeft": "剩余月数", "paceNeededPerMonthFen": "所需月均(分)",
        "trailing12MonthsFen": "近12个月(分)", "trailingPacePerMonthFen": "近12个月月均(分)", "projection": "预测", "projectedMonth": "预计达成月份",
    ]
}
