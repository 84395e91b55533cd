package demo

// model is a make and model of equipment (spec/reference-data.md §6; the
// makes and models of types §6 does not cover are recalled, unverified
// names, good enough for synthetic data).
type model struct {
	maker string // Latin name; serial numbers take their prefix from it
	zh    string // manufacturer as registered in Chinese
	name  string
}

// models lists the makes and models per equipment type; highEnd lists the
// models large hospitals prefer (imported CT, DSA).
var (
	models = map[string][]model{
		"ct": {
			{"UIH", "上海联影医疗科技股份有限公司", "uCT 510"}, {"UIH", "上海联影医疗科技股份有限公司", "uCT 520"},
			{"UIH", "上海联影医疗科技股份有限公司", "uCT 530"}, {"UIH", "上海联影医疗科技股份有限公司", "uCT 550"},
			{"NMS", "东软医疗系统股份有限公司", "NeuViz 16 Classic"}, {"NMS", "东软医疗系统股份有限公司", "NeuViz 16 Essence"},
			{"NMS", "东软医疗系统股份有限公司", "NeuViz 64 In"}, {"NMS", "东软医疗系统股份有限公司", "NeuViz ACE SP"},
			{"MF", "明峰医疗系统股份有限公司", "ScintCare CT 16"}, {"MF", "明峰医疗系统股份有限公司", "ScintCare CT 64"},
			{"GE", "GE医疗", "Optima CT660"}, {"GE", "GE医疗", "BrightSpeed"},
			{"SIE", "西门子医疗", "SOMATOM go.Now"}, {"SIE", "西门子医疗", "SOMATOM go.Up"},
			{"PHI", "飞利浦医疗", "Incisive CT"}, {"HIT", "日立医疗", "Supria"},
		},
		"dr": {
			{"UIH", "上海联影医疗科技股份有限公司", "uDR 780i Pro"}, {"UIH", "上海联影医疗科技股份有限公司", "uDR 770i"},
			{"SIE", "西门子医疗", "Ysio Max"}, {"SIE", "西门子医疗", "Multix Impact"},
			{"GE", "GE医疗", "Definium 656"}, {"PHI", "飞利浦医疗", "DigitalDiagnost C90"},
			{"WD", "北京万东医疗科技股份有限公司", "NewVision"}, {"MR", "深圳迈瑞生物医疗电子股份有限公司", "DigiEye 760"},
			{"AJ", "深圳市安健科技股份有限公司", "AJDR"},
		},
		"cr":          {{"KM", "柯尼卡美能达", "REGIUS 190"}, {"CS", "锐珂医疗", "Vita LE"}},
		"radiography": {{"WD", "北京万东医疗科技股份有限公司", "HF50-R"}, {"SH", "岛津", "RADspeed"}},
		"fluoroscopy": {{"SH", "岛津", "SONIALVISION G4"}, {"SIE", "西门子医疗", "Luminos Agile Max"}},
		"mobile_xray": {
			{"SIE", "西门子医疗", "Mobilett Mira Max"}, {"GE", "GE医疗", "Optima XR240amx"},
			{"UIH", "上海联影医疗科技股份有限公司", "uDR 380i"},
		},
		"mammography": {
			{"HOL", "Hologic", "Selenia Dimensions"}, {"GE", "GE医疗", "Senographe Pristina"},
			{"SIE", "西门子医疗", "Mammomat Revelation"},
		},
		"dental_intraoral": {
			{"PLM", "普兰梅卡", "ProX"}, {"DS", "登士柏西诺德", "Heliodent Plus"}, {"CS", "锐珂医疗", "CS 2200"},
		},
		"dental_panoramic": {
			{"PLM", "普兰梅卡", "ProMax 2D"}, {"DS", "登士柏西诺德", "Orthophos XG"}, {"CS", "锐珂医疗", "CS 8100"},
		},
		"dental_cbct": {
			{"PLM", "普兰梅卡", "ProMax 3D Mid"}, {"DS", "登士柏西诺德", "Orthophos SL 3D"},
			{"CS", "锐珂医疗", "CS 9300"}, {"MY", "合肥美亚光电技术股份有限公司", "Hires3D"},
			{"LV", "北京朗视仪器股份有限公司", "Smart3D-X"},
		},
		"c_arm": {
			{"SIE", "西门子医疗", "Cios Alpha"}, {"SIE", "西门子医疗", "Arcadis Orbic"},
			{"GE", "GE医疗", "OEC Elite"}, {"PHI", "飞利浦医疗", "Zenition 70"},
		},
		"bone_densitometer": {{"GE", "GE医疗", "Lunar Prodigy"}, {"HOL", "Hologic", "Horizon"}},
		"dsa": {
			{"SIE", "西门子医疗", "Artis zee"}, {"SIE", "西门子医疗", "Artis zeego"},
			{"GE", "GE医疗", "Innova IGS 520"}, {"GE", "GE医疗", "Innova IGS 530"},
			{"GE", "GE医疗", "Innova IGS 540"}, {"PHI", "飞利浦医疗", "Azurion 7"},
			{"PHI", "飞利浦医疗", "Allura Xper FD20"},
		},
		"spect":  {{"GE", "GE医疗", "Discovery NM/CT 670"}, {"SIE", "西门子医疗", "Symbia Intevo"}},
		"pet_ct": {{"GE", "GE医疗", "Discovery MI"}, {"SIE", "西门子医疗", "Biograph Vision"}, {"UIH", "上海联影医疗科技股份有限公司", "uMI 780"}},
		"linac": {
			{"VAR", "瓦里安医疗", "TrueBeam"}, {"VAR", "瓦里安医疗", "VitalBeam"}, {"ELK", "医科达", "Versa HD"},
			{"ELK", "医科达", "Infinity"}, {"UIH", "上海联影医疗科技股份有限公司", "uRT-linac 506c"},
		},
		"tomotherapy":  {{"ACC", "安科锐", "Radixact"}},
		"gamma_knife":  {{"ELK", "医科达", "Leksell Gamma Knife Icon"}},
		"afterloader":  {{"ELK", "医科达", "Flexitron"}, {"VAR", "瓦里安医疗", "GammaMedplus iX"}},
		"ct_simulator": {{"SIE", "西门子医疗", "SOMATOM Confidence RT Pro"}, {"GE", "GE医疗", "Discovery RT"}, {"PHI", "飞利浦医疗", "Brilliance CT Big Bore"}},
		"xray_therapy": {{"XS", "Xstrahl", "Xstrahl 300"}},
	}
	highEnd = map[string][]model{
		"ct": {
			{"GE", "GE医疗", "Revolution CT"}, {"GE", "GE医疗", "Revolution Apex"}, {"GE", "GE医疗", "Discovery CT750 HD"},
			{"SIE", "西门子医疗", "SOMATOM Force"}, {"SIE", "西门子医疗", "SOMATOM Drive"},
			{"SIE", "西门子医疗", "SOMATOM Definition Flash"}, {"PHI", "飞利浦医疗", "IQon Spectral CT"},
			{"PHI", "飞利浦医疗", "Spectral CT 7500"}, {"CAN", "佳能医疗", "Aquilion ONE"},
			{"UIH", "上海联影医疗科技股份有限公司", "uCT 780"}, {"UIH", "上海联影医疗科技股份有限公司", "uCT 960+"},
		},
	}
)

// deviceNames are the names shown for each equipment type.
var deviceNames = map[string]string{
	"ct": "CT", "dr": "DR", "cr": "CR", "radiography": "X射线摄影机", "fluoroscopy": "数字胃肠机",
	"mobile_xray": "移动DR", "mammography": "乳腺X射线机", "dental_intraoral": "口内牙片机",
	"dental_panoramic": "口腔全景机", "dental_cbct": "口腔CBCT", "c_arm": "C形臂X射线机",
	"bone_densitometer": "双能X射线骨密度仪", "dsa": "DSA", "spect": "SPECT/CT", "pet_ct": "PET/CT",
	"linac": "医用电子直线加速器", "tomotherapy": "螺旋断层放射治疗系统", "gamma_knife": "伽玛刀",
	"afterloader": "后装治疗机", "ct_simulator": "CT模拟定位机", "xray_therapy": "X射线治疗机",
}

// roomNames are the rooms or places of each equipment type; %d is a number.
var roomNames = map[string]string{
	"ct": "放射科CT%d室", "dr": "放射科DR%d室", "cr": "放射科CR室", "radiography": "放射科摄片%d室",
	"fluoroscopy": "放射科胃肠室", "mobile_xray": "病房(移动使用)", "mammography": "乳腺摄影室",
	"dental_intraoral": "口腔科诊室%d", "dental_panoramic": "口腔科全景室", "dental_cbct": "口腔CBCT室",
	"c_arm": "手术室%d", "bone_densitometer": "骨密度室", "dsa": "导管室%d", "spect": "核医学科SPECT室",
	"pet_ct": "核医学科PET/CT室", "linac": "放疗科加速器%d室", "tomotherapy": "放疗科TOMO室",
	"gamma_knife": "伽玛刀室", "afterloader": "放疗科后装室", "ct_simulator": "放疗科模拟定位室",
	"xray_therapy": "放疗科X线治疗室",
}

// occupationOf is the GBZ 128 occupation of staff working a device type;
// occupationWeight is how many staff a device of the type needs.
var (
	occupationOf = map[string]string{
		"dental_intraoral": "2B", "dental_panoramic": "2B", "dental_cbct": "2B",
		"dsa": "2E", "spect": "2C", "pet_ct": "2C",
		"linac": "2D", "tomotherapy": "2D", "gamma_knife": "2D", "afterloader": "2D",
		"ct_simulator": "2D", "xray_therapy": "2D",
	}
	occupationWeight = map[string]int{"ct": 3, "dr": 2, "dsa": 5, "linac": 4, "pet_ct": 4, "spect": 3}
)

// jobs lists job titles per occupation.
var jobs = map[string][]string{
	"2A": {"技师", "技师", "技师", "医师", "医师", "护士"},
	"2B": {"医师", "医师", "护士"},
	"2C": {"医师", "技师", "护士", "技师"},
	"2D": {"医师", "物理师", "技师", "技师"},
	"2E": {"医师", "医师", "医师", "护士", "技师"},
}
