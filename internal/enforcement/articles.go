package enforcement

// Article is one penalty article of the catalogue a case cites
// (spec/regulations.md §1.6, §2.5 and §7): the penalties it allows and the
// legal range of its fine in yuan.
type Article struct {
	Code  string `json:"code"`
	Law   string `json:"law"`   // 《放射诊疗管理规定》
	Cite  string `json:"cite"`  // 第四十一条, 第七十一条第（四）项
	Acts  string `json:"acts"`  // what it punishes, in short
	Terms string `json:"terms"` // the sanction as the law words it
	// Warning, Fine and Revoke are the penalties it allows.
	Warning bool `json:"warning"`
	Fine    bool `json:"fine"`
	Revoke  bool `json:"revoke"` // 吊销《医疗机构执业许可证》(情节严重)
	// MinFine and MaxFine bound a fine in yuan when one is imposed.
	MinFine int64 `json:"min_fine"`
	MaxFine int64 `json:"max_fine"`
	// Mark is the confidence of the regulations fact sheet ([H], [M]).
	Mark string `json:"mark"`
}

// Title is the article as a decision cites it: 《…》第…条.
func (a Article) Title() string { return a.Law + a.Cite }

const (
	lawRDM = "《放射诊疗管理规定》"
	lawRWH = "《放射工作人员职业健康管理办法》"
	lawODL = "《中华人民共和国职业病防治法》"
)

// articles is the catalogue. Amounts are those of regulations.md; a test
// keeps the two in agreement.
var articles = []Article{
	{Code: "RDM-38", Law: lawRDM, Cite: "第三十八条", Acts: "未取得放射诊疗许可、未办理诊疗科目登记或未按规定校验、擅自变更放射诊疗项目或超出批准范围",
		Terms:   "警告、责令限期改正，可处3000元以下罚款；情节严重的，吊销《医疗机构执业许可证》",
		Warning: true, Fine: true, Revoke: true, MaxFine: 3000, Mark: "H"},
	{Code: "RDM-39", Law: lawRDM, Cite: "第三十九条", Acts: "使用不具备相应资质的人员从事放射诊疗工作",
		Terms: "责令限期改正，可处5000元以下罚款；情节严重的，吊销《医疗机构执业许可证》",
		Fine:  true, Revoke: true, MaxFine: 5000, Mark: "M"},
	{Code: "RDM-41", Law: lawRDM, Cite: "第四十一条", Acts: "购置使用不合格或淘汰设备、未按规定使用防护装置和用品、未按规定检测、未按规定进行个人剂量监测和健康检查及建档等",
		Terms:   "警告、责令限期改正，可处一万元以下罚款",
		Warning: true, Fine: true, MaxFine: 10000, Mark: "H"},
	{Code: "RWH-39", Law: lawRWH, Cite: "第三十九条", Acts: "未给从事放射工作的人员办理《放射工作人员证》",
		Terms:   "责令限期改正，警告，可处3万元以下罚款",
		Warning: true, Fine: true, MaxFine: 30000, Mark: "M"},
	{Code: "ODL-69", Law: lawODL, Cite: "第六十九条", Acts: "医疗机构放射性建设项目未经预评价审核同意开工、未做控制效果评价、防护设施未经验收合格投入使用",
		Terms:   "警告，责令限期改正；逾期不改正的，处10万元以上50万元以下罚款",
		Warning: true, Fine: true, MinFine: 100000, MaxFine: 500000, Mark: "H"},
	{Code: "ODL-71-4", Law: lawODL, Cite: "第七十一条第（四）项", Acts: "未按照规定组织职业健康检查、建立职业健康监护档案",
		Terms:   "警告，责令限期改正，可以并处5万元以上10万元以下罚款",
		Warning: true, Fine: true, MinFine: 50000, MaxFine: 100000, Mark: "M"},
}

// Articles returns the catalogue of penalty articles.
func Articles() []Article { return append([]Article(nil), articles...) }

// ArticleOf returns the article with the code.
func ArticleOf(code string) (Article, bool) {
	for _, a := range articles {
		if a.Code == code {
			return a, true
		}
	}
	return Article{}, false
}

// HearingThreshold is the fine from which the party has the right to ask
// for a hearing (听证, 《行政处罚法》第六十三条 "较大数额罚款"); the amount
// is set by each province, this is the common one for units.
const HearingThreshold = 10000
