package demo

import (
	"fmt"
	"strings"
)

// Word lists for synthetic names and addresses. Surnames are ordered roughly
// by frequency; pickSkewed favours the front of the list.
var (
	surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")

	maleChars    = []rune("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆帅旭宇晨博文建国志海峰亮龙林东阳振毅宏锋")
	femaleChars  = []rune("静丽敏燕艳娟霞芳娜婷玲洁雪琳颖倩慧莉萍红梅丹蕾晶璐佳欣怡悦雯瑶月琴云秀兰薇楠露媛")
	neutralChars = []rune("文晓子思嘉雨一心梓若天明华春秋新家永少立昊")

	// brandWords name private institutions.
	brandWords = []string{"康泰", "仁和", "华康", "济民", "安康", "博爱", "益民", "仁爱", "德仁", "惠民",
		"东方", "天佑", "永康", "瑞康", "福康", "民生", "嘉禾", "同仁", "百川", "慈济", "和美", "中研",
		"恒康", "华信", "益康", "康宁", "明德", "圣安", "健桥", "正和"}
	dentalWords = []string{"贝齿", "皓齿", "美齿", "德雅", "洁白", "齿康", "牙博", "悦齿", "贝佳", "雅美",
		"微笑", "佳美", "圣贝", "康贝", "优贝", "亮齿", "白鹭", "好牙", "欣雅", "乐齿"}
	placeWords = []string{"东风", "红旗", "解放", "建设", "人民", "文化", "幸福", "和平", "胜利", "光明",
		"新华", "朝阳", "长青", "丰收", "团结", "兴隆", "五里堡", "十里铺", "王庄", "李寨"}
	genericRoads = []string{"人民路", "解放路", "建设路", "文化路", "中华路", "新华路", "工业路", "健康路",
		"和平路", "光明路", "胜利路", "长江路", "黄河路", "淮河路", "迎宾路", "滨河路"}

	// streetRoads gives a few roads near each street of 中原区 (synthetic
	// addresses; the pairing is approximate).
	streetRoads = map[string][]string{
		"410102001": {"建设西路", "伏牛路", "嵩山北路"},
		"410102002": {"建设中路", "工人路", "桐柏北路"},
		"410102003": {"棉纺路", "华山路", "秦岭路"},
		"410102004": {"秦岭路", "中原西路", "华山路"},
		"410102005": {"桐柏路", "中原中路", "淮河西路"},
		"410102006": {"中原中路", "工人路", "陇海西路"},
		"410102007": {"伊河路", "伏牛路", "颍河路"},
		"410102008": {"汝河路", "嵩山南路", "伏牛南路"},
		"410102009": {"航海西路", "桐柏南路", "秦岭南路"},
		"410102010": {"中原西路", "西三环路", "电厂路"},
		"410102011": {"西流湖路", "郑上路", "化工路"},
		"410102012": {"须水河路", "郑上路", "西四环路"},
		"410102013": {"莲湖路", "长椿路", "科学大道"},
		"410102014": {"柳湖路", "渠南路", "长椿路"},
	}

	chineseNumerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
		"十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"}

	doseProviders  = []string{"河南省职业病防治研究院", "河南省疾病预防控制中心", "河南中辐检测技术有限公司"}
	trainProviders = []string{"河南省职业病防治研究院", "河南省放射卫生防护培训中心", "郑州市卫生健康委员会培训中心"}
	examProviders  = []string{"河南省职业病医院", "河南省职业病防治研究院", "郑州市职业病防治所"}
	testAgencies   = []string{"河南省职业病防治研究院", "河南省疾病预防控制中心", "河南中辐检测技术有限公司",
		"河南安衡辐射检测有限公司"}
)

// division names one county-level division.
type division struct{ code, city, county string }

// divisionTable lists Henan county-level divisions used for institutions
// (province scale) and as ID-number address codes.
var divisionTable = []division{
	{"410102", "郑州市", "中原区"}, {"410103", "郑州市", "二七区"}, {"410104", "郑州市", "管城回族区"},
	{"410105", "郑州市", "金水区"}, {"410106", "郑州市", "上街区"}, {"410108", "郑州市", "惠济区"},
	{"410122", "郑州市", "中牟县"}, {"410181", "郑州市", "巩义市"}, {"410182", "郑州市", "荥阳市"},
	{"410183", "郑州市", "新密市"}, {"410184", "郑州市", "新郑市"}, {"410185", "郑州市", "登封市"},
	{"410202", "开封市", "龙亭区"}, {"410203", "开封市", "顺河回族区"}, {"410302", "洛阳市", "老城区"},
	{"410303", "洛阳市", "西工区"}, {"410305", "洛阳市", "涧西区"}, {"410402", "平顶山市", "新华区"},
	{"410502", "安阳市", "文峰区"}, {"410611", "鹤壁市", "淇滨区"}, {"410702", "新乡市", "红旗区"},
	{"410802", "焦作市", "解放区"}, {"410902", "濮阳市", "华龙区"}, {"411002", "许昌市", "魏都区"},
	{"411102", "漯河市", "源汇区"}, {"411202", "三门峡市", "湖滨区"}, {"411302", "南阳市", "宛城区"},
	{"411303", "南阳市", "卧龙区"}, {"411402", "商丘市", "梁园区"}, {"411502", "信阳市", "浉河区"},
	{"411602", "周口市", "川汇区"}, {"411702", "驻马店市", "驿城区"},
}

// provinceDivisions are the division codes the province scale cycles through.
var provinceDivisions = func() []string {
	codes := make([]string, len(divisionTable))
	for i, d := range divisionTable {
		codes[i] = d.code
	}
	return codes
}()

// lookupDivision returns the names of a division code; unknown codes get
// placeholder names.
func lookupDivision(code string) division {
	for _, d := range divisionTable {
		if d.code == code {
			return d
		}
	}
	return division{code: code, city: "河南省", county: "某县"}
}

// issuerName is the health commission of a division (the district/county
// licensing authority).
func (d division) issuerName() string {
	if strings.HasSuffix(d.county, "市") {
		return d.county + "卫生健康委员会"
	}
	return d.city + d.county + "卫生健康委员会"
}

// cityIssuer is the city health commission.
func (d division) cityIssuer() string { return d.city + "卫生健康委员会" }

// shortCity is the city name without 市, for private institution names.
func (d division) shortCity() string { return strings.TrimSuffix(d.city, "市") }

// personName returns a Chinese name for the given gender ("M" or "F").
func (g *gen) personName(gender string) string {
	var b strings.Builder
	b.WriteRune(surnames[g.skewed(len(surnames))])
	chars := femaleChars
	if gender == "M" {
		chars = maleChars
	}
	if g.chance(0.65) {
		if g.chance(0.3) {
			b.WriteRune(neutralChars[g.rng.IntN(len(neutralChars))])
		} else {
			b.WriteRune(chars[g.rng.IntN(len(chars))])
		}
	}
	b.WriteRune(chars[g.rng.IntN(len(chars))])
	return b.String()
}

// anyName returns a name of a random gender.
func (g *gen) anyName() string {
	if g.chance(0.5) {
		return g.personName("M")
	}
	return g.personName("F")
}

// landline returns a Zhengzhou-style landline number, 0371-6xxxxxxx.
func (g *gen) landline() string {
	return fmt.Sprintf("0371-6%07d", g.rng.IntN(10_000_000))
}

// mobile returns an 11-digit mainland mobile number.
func (g *gen) mobile() string {
	prefixes := []string{"135", "136", "137", "138", "139", "150", "152", "158", "186", "187", "189", "176"}
	return fmt.Sprintf("%s%08d", prefixes[g.rng.IntN(len(prefixes))], g.rng.IntN(100_000_000))
}

// address returns a street address in the division; street may be empty.
func (g *gen) address(d division, street string) string {
	roads := streetRoads[street]
	if len(roads) == 0 {
		roads = genericRoads
	}
	road := roads[g.rng.IntN(len(roads))]
	return fmt.Sprintf("%s%s%s%d号", d.city, d.county, road, g.between(1, 320))
}
