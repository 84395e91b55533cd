package screening

// Rule IDs, copied verbatim from spec/rules.md.
const (
	InsLicenceMissing    = "INS-LICENCE-MISSING"
	InsLicenceExpired    = "INS-LICENCE-EXPIRED"
	InsLicenceExpiring   = "INS-LICENCE-EXPIRING"
	EqpOutOfScope        = "EQP-OUT-OF-SCOPE"
	EqpAcceptanceMissing = "EQP-ACCEPTANCE-MISSING"
	EqpFailedInUse       = "EQP-FAILED-IN-USE"
	EqpStatusOverdue     = "EQP-STATUS-OVERDUE"
	EqpStatusDueSoon     = "EQP-STATUS-DUE-SOON"
	EqpProtectionOverdue = "EQP-PROTECTION-OVERDUE"
	EqpProtectionFailed  = "EQP-PROTECTION-FAILED"
	PerUnderage          = "PER-UNDERAGE"
	PerPermitMissing     = "PER-PERMIT-MISSING"
	PerTrainingPrejob    = "PER-TRAINING-PREJOB-MISSING"
	PerTrainingOverdue   = "PER-TRAINING-OVERDUE"
	PerExamPrejob        = "PER-EXAM-PREJOB-MISSING"
	PerExamOverdue       = "PER-EXAM-OVERDUE"
	PerExamUnfit         = "PER-EXAM-UNFIT"
	PerDoseGap           = "PER-DOSE-GAP"
	PerDoseCycleLong     = "PER-DOSE-CYCLE-LONG"
	PerDoseInvestigate   = "PER-DOSE-INVESTIGATE"
	PerDosimeterLost     = "PER-DOSIMETER-LOST"
	PerDoseAnnualHigh    = "PER-DOSE-ANNUAL-HIGH"
	PerDoseAnnualLimit   = "PER-DOSE-ANNUAL-LIMIT"
	PerDoseFiveYearLimit = "PER-DOSE-5YEAR-LIMIT"
	PerEyeLimit          = "PER-EYE-LIMIT"
	PerMultiSite         = "PER-MULTI-SITE"
)

// Short names of the regulations cited below.
const (
	reg46  = "《放射诊疗管理规定》"
	reg55  = "《放射工作人员职业健康管理办法》"
	gbz128 = "GBZ 128-2019《职业性外照射个人监测规范》"
	gb188  = "GB 18871-2002《电离辐射防护与辐射源安全基本标准》"
	remind = "提醒（无罚则）："
)

// catalog is the rule list in the order of spec/rules.md. Articles follow
// spec/regulations.md §11 where it corrects the spec (see DISCREPANCIES.md).
var catalog = []Rule{
	{InsLicenceMissing, Violation, SubjectInstitution, "未取得放射诊疗许可证开展放射诊疗", "Radiation practice without a licence",
		reg46 + "第十六条第二款、第三十八条(一)", "立即停止放射诊疗工作，依法申请《放射诊疗许可证》"},
	{InsLicenceExpired, Violation, SubjectInstitution, "放射诊疗许可证未按规定校验", "Licence not renewed by its check date",
		reg46 + "第十七条、第三十八条(二)（未按照规定进行校验）", "向发证机关申请许可证校验（与《医疗机构执业许可证》同时校验）"},
	{InsLicenceExpiring, Notice, SubjectInstitution, "放射诊疗许可证即将到校验期", "Licence check date coming up",
		remind + reg46 + "第十七条（许可证与《医疗机构执业许可证》同时校验）", "向发证机关提交许可证校验申请"},

	{EqpOutOfScope, Violation, SubjectEquipment, "设备超出许可范围使用", "Equipment outside the licensed categories",
		reg46 + "第三十八条(三)（超出批准范围从事放射诊疗工作）", "停止超范围使用该设备，或向发证机关申请变更许可项目"},
	{EqpAcceptanceMissing, Violation, SubjectEquipment, "设备无合格验收检测", "No passed acceptance test",
		reg46 + "第二十条(一)、第四十一条(三)", "停止使用该设备，委托有资质的检测机构进行验收检测，合格后方可启用"},
	{EqpFailedInUse, Violation, SubjectEquipment, "检测不合格设备仍在使用", "Equipment in use after a failed test",
		reg46 + "第二十条(四)、第四十一条(一)", "停止使用该设备，维修后经有资质的检测机构检测合格方可使用"},
	{EqpStatusOverdue, Violation, SubjectEquipment, "设备状态检测逾期", "Status test overdue",
		reg46 + "第二十条(二)（每年至少进行一次状态检测）、第四十一条(三)", "委托有资质的检测机构进行状态检测"},
	{EqpStatusDueSoon, Notice, SubjectEquipment, "设备状态检测即将到期", "Status test coming due",
		remind + reg46 + "第二十条(二)（每年至少进行一次状态检测）", "委托有资质的检测机构完成状态检测"},
	{EqpProtectionOverdue, Violation, SubjectEquipment, "工作场所放射防护检测逾期", "Workplace protection test overdue",
		reg46 + "第二十一条（定期进行放射防护检测）、第四十一条(三)", "委托有资质的检测机构进行工作场所放射防护检测"},
	{EqpProtectionFailed, Violation, SubjectEquipment, "工作场所放射防护检测不合格", "Workplace protection test failed",
		reg46 + "第二十一条、第四十一条(三)", "停止使用相关机房，整改防护设施并经检测合格后方可使用"},

	{PerUnderage, Violation, SubjectPerson, "未满18周岁从事放射工作", "Radiation work under the age of 18",
		reg55 + "第五条(一)（年满18周岁）", "立即停止安排该人员从事放射工作"},
	{PerPermitMissing, Violation, SubjectPerson, "未持有放射工作人员证", "No radiation worker permit",
		reg55 + "第五条(五)、第六条第一款、第三十九条", "为该人员申请办理《放射工作人员证》"},
	{PerTrainingPrejob, Violation, SubjectPerson, "无上岗前放射防护培训", "No pre-job radiation protection training",
		reg55 + "第五条(三)、第七条（上岗前培训，考核合格方可上岗）", "补报上岗前培训记录，或组织上岗前放射防护和有关法律知识培训（不少于4天），考核合格后方可上岗"},
	{PerTrainingOverdue, Violation, SubjectPerson, "放射防护培训逾期", "Periodic training overdue",
		reg55 + "第八条（两次培训的时间间隔不超过2年）", "组织在岗期间放射防护培训（每次不少于2天）"},
	{PerExamPrejob, Violation, SubjectPerson, "无上岗前职业健康检查", "No pre-job health exam",
		reg55 + "第五条(二)（上岗前职业健康检查）；" + reg46 + "第二十三条、第四十一条(四)", "补报上岗前职业健康检查记录，或安排上岗前职业健康检查"},
	{PerExamOverdue, Violation, SubjectPerson, "职业健康检查逾期", "Health exam overdue",
		reg55 + "（在岗期间两次检查的时间间隔不应超过2年）；" + reg46 + "第二十三条、第四十一条(四)", "安排在岗期间职业健康检查"},
	{PerExamUnfit, Violation, SubjectPerson, "不宜从事放射工作者仍在岗", "Unfit worker still on radiation work",
		reg55 + "第五条(二)（不得安排不符合职业健康要求者从事放射工作）", "按检查结论将该人员调离放射工作岗位或暂停其放射工作"},
	{PerDoseGap, Violation, SubjectPerson, "个人剂量监测中断", "Gap in personal dose monitoring",
		reg55 + "第十一条(一)（监测周期最长不应超过90天）；" + reg46 + "第四十一条(四)", "补报缺失期间的个人剂量监测结果，保持连续监测"},
	{PerDoseCycleLong, Warning, SubjectPerson, "个人剂量监测周期过长", "Dose monitoring period too long",
		reg55 + "第十一条(一)（监测周期一般为30天，最长不应超过90天）", "将个人剂量监测周期调整为一般30天、最长不超过90天"},
	{PerDoseInvestigate, Warning, SubjectPerson, "个人剂量超过调查水平", "Dose above the investigation level",
		gbz128 + "调查水平（年有效剂量5 mSv，按监测周期折算）", "开展剂量调查，查明原因并记录调查结论"},
	{PerDosimeterLost, Warning, SubjectPerson, "个人剂量计丢失", "Dosimeter lost",
		gbz128 + "（剂量计丢失的处理）；" + reg46 + "第二十二条", "查明丢失原因，按规定估算并记录该周期的名义剂量"},
	{PerDoseAnnualHigh, Warning, SubjectPerson, "年剂量偏高", "High annual dose",
		gb188 + "附录B B1.1（连续5年的年平均有效剂量20 mSv）", "调查剂量偏高原因，优化防护，控制今后的职业照射"},
	{PerDoseAnnualLimit, Violation, SubjectPerson, "年剂量超过限值", "Annual dose limit exceeded",
		gb188 + "附录B B1.1（任何一年中的有效剂量50 mSv）", "立即开展调查并按规定报告，控制该人员的职业照射"},
	{PerDoseFiveYearLimit, Violation, SubjectPerson, "5年剂量超过限值", "Five-year dose limit exceeded",
		gb188 + "附录B B1.1（连续5年的年平均有效剂量20 mSv，5年合计100 mSv）", "立即开展调查并按规定报告，控制该人员的职业照射"},
	{PerEyeLimit, Violation, SubjectPerson, "眼晶体剂量超过限值", "Eye-lens dose limit exceeded",
		gb188 + "附录B B1.1（眼晶体的年当量剂量150 mSv）", "开展调查，加强眼晶体防护（如铅眼镜），控制今后的职业照射"},
	{PerMultiSite, Notice, SubjectPerson, "多单位从事放射工作", "Radiation work at several institutions",
		remind + gbz128 + "（多个单位的个人剂量应合并评价；剂量限值按人计）", "各工作单位合并该人员的个人剂量进行评价"},
}

// ruleIndex finds a catalogue rule by ID.
var ruleIndex = func() map[string]Rule {
	m := make(map[string]Rule, len(catalog))
	for _, r := range catalog {
		m[r.ID] = r
	}
	return m
}()

// Catalog returns the rules in the order of spec/rules.md. The slice is a
// copy: callers may keep or change it.
func Catalog() []Rule {
	return append([]Rule(nil), catalog...)
}

// RuleByID returns the rule with the given ID.
func RuleByID(id string) (Rule, bool) {
	r, ok := ruleIndex[id]
	return r, ok
}
