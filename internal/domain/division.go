package domain

// DefaultDivision is the GB/T 2260 code of the district the demo and the
// defaults use: 郑州市中原区.
const DefaultDivision = "410102"

// Divisions names the county-level divisions radsup knows.
var Divisions = enum("division",
	Option{"410102", "中原区", "Zhongyuan District"},
	Option{"410103", "二七区", "Erqi District"},
	Option{"410104", "管城回族区", "Guancheng Hui District"},
	Option{"410105", "金水区", "Jinshui District"},
	Option{"410106", "上街区", "Shangjie District"},
	Option{"410108", "惠济区", "Huiji District"},
)

// Streets lists the township-level units (街道) of each known division, keyed
// by their 9-digit NBS code (spec/reference-data.md §1.2, 2023 edition).
var Streets = map[string]*Enum{
	"410102": enum("street_410102",
		Option{"410102001", "林山寨街道", "Linshanzhai"},
		Option{"410102002", "建设路街道", "Jianshelu"},
		Option{"410102003", "棉纺路街道", "Mianfanglu"},
		Option{"410102004", "秦岭路街道", "Qinlinglu"},
		Option{"410102005", "桐柏路街道", "Tongbailu"},
		Option{"410102006", "三官庙街道", "Sanguanmiao"},
		Option{"410102007", "绿东村街道", "Lvdongcun"},
		Option{"410102008", "汝河路街道", "Ruhelu"},
		Option{"410102009", "航海西路街道", "Hanghaixilu"},
		Option{"410102010", "中原西路街道", "Zhongyuanxilu"},
		Option{"410102011", "西流湖街道", "Xiliuhu"},
		Option{"410102012", "须水街道", "Xushui"},
		Option{"410102013", "莲湖街道", "Lianhu"},
		Option{"410102014", "柳湖街道", "Liuhu"},
	),
}

// StreetLabel returns the name of a street code, or the code itself.
func StreetLabel(division, code string) string {
	if e, ok := Streets[division]; ok {
		return e.Label(code)
	}
	return code
}
