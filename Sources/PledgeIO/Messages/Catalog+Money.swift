extension Catalog {
    /// Interest subsidies (贴息) and risk-compensation pools (风险补偿资金池).
    static let money: [MessageKey: (zh: String, en: String)] = [
        .kindSubsidyPolicy: ("贴息政策", "subsidy policy"),
        .kindSubsidyPayment: ("贴息支付", "subsidy payment"),
        .policyName: ("名称不能为空、不超过 100 个字符且不含控制字符", "a name must be 1 to 100 characters without control characters"),
        .year: ("应为 2000 至 2100 之间的年份", "expected a year from 2000 to 2100"),
        .share: ("应为 0 到 100 之间的百分比，最多两位小数，如 50% 或 37.5%", "expected a percentage from 0 to 100 with at most two decimals, e.g. 50% or 37.5%"),
        .sharesSum: ("各方比例之和应为 100%，现为 {sum}", "the shares must add up to 100%, not {sum}"),
        .subsidyPolicyMissing: ("没有名为 {name} 的贴息政策；见 `pledge subsidy policy list`", "no subsidy policy named {name}; see `pledge subsidy policy list`"),
        .subsidyOverpaid: ("向 {uscc} 按政策 {policy} 支付 {amount} 元将超过应贴息额：应付 {due} 元，已付 {paid} 元，尚欠 {outstanding} 元；未写入",
                           "paying {amount} yuan to {uscc} under {policy} would pass what is due: {due} yuan due, {paid} paid, {outstanding} outstanding; nothing was written"),
        .auditInvalidRecord: ("{name} 的比例、上限或年份超出范围，任何命令都不会这样记录", "{name} has a share, cap or year out of range, which no command records"),
        .auditUnknownPolicy: ("支付所依据的贴息政策 {name} 尚未设置", "the payment names subsidy policy {name}, which was not set"),
        .auditOverpaid: ("向 {uscc} 按政策 {policy} 的支付超过了当时的应贴息额", "the payment to {uscc} under {policy} passed what was due at the time"),
        .subsidyPolicySet: ("贴息政策 {name}：{year} 年，贴息比例 {share}，每户上限 {cap}{only}", "subsidy policy {name}: {year}, share {share}, cap per enterprise {cap}{only}"),
        .subsidyPaymentRecorded: ("已记录：按政策 {policy} 向 {uscc} 支付 {amount} 元（{date}）；尚欠 {outstanding} 元",
                                  "recorded: {amount} yuan paid to {uscc} under {policy} on {date}; {outstanding} yuan outstanding"),
        .noSubsidyPolicies: ("尚未设置贴息政策；用 `pledge subsidy policy set` 设置", "no subsidy policy yet; set one with `pledge subsidy policy set`"),
    ]
}
