package xlsx

import (
	"slices"
	"testing"
)

func TestSplitItems(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"a、b，c,d;e；f/中\nh\r\ni", []string{"a", "b", "c", "d", "e", "f", "中", "h", "i"}},
		{"CT/DR", []string{"CT/DR"}}, // resolved part by part if need be
		{" CT , DR ", []string{"CT", "DR"}},
		{"CT、、 、DR", []string{"CT", "DR"}},
		{"PET/CT、SPECT", []string{"PET/CT", "SPECT"}},
		{"X射线影像诊断/介入放射学", []string{"X射线影像诊断", "介入放射学"}},
		{"放射治疗（加速器、后装）、CT", []string{"放射治疗(加速器、后装)", "CT"}},
		{"ＣＴ，ＤＲ", []string{"CT", "DR"}},
		{"\u3000CT\u3000", []string{"CT"}},
		{"", nil},
		{"、;，", nil},
	}
	for _, c := range cases {
		if got := SplitItems(c.in); !slices.Equal(got, c.want) {
			t.Errorf("SplitItems(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCanonicalLicenceItems(t *testing.T) {
	checkCanonical(t, []canonicalCase{
		{"licence", "items", "CT", "ct", ""},
		{"licence", "items", "ct", "ct", ""},
		{"licence", "items", "X射线影像诊断", "xray_imaging", ""}, // a whole category
		{"licence", "items", "核医学", "nuclear_medicine", ""},
		{"licence", "items", "放射治疗、核医学、介入放射学、X射线影像诊断", "radiotherapy,nuclear_medicine,interventional,xray_imaging", ""},
		{"licence", "items", "普通X射线诊断，CT；牙科X射线", "general_xray,ct,dental_xray", ""},
		{"licence", "items", "普通X射线诊断\nCT\n乳腺X射线\n骨密度", "general_xray,ct,mammography,bone_density", ""},
		{"licence", "items", "PET/CT、SPECT", "pet,spect", ""},
		{"licence", "items", "PET、SPECT、核医学治疗、放射性粒子植入", "pet,spect,nm_therapy,seed_implant", ""},
		{"licence", "items", "CT、DR", "ct,general_xray", ""},
		{"licence", "items", "CT/DR", "ct,general_xray", ""},
		{"licence", "items", "放射治疗（加速器、后装）", "radiotherapy", ""},
		{"licence", "items", "X射线影像诊断（CT、DR）", "ct,general_xray", ""}, // the bracket names the items
		{"licence", "items", "介入放射学（DSA）", "interventional", ""},
		{"licence", "items", "核医学（含显像等）", "nuclear_medicine", ""}, // the bracket only describes
		{"licence", "items", "放射治疗（质子/重离子）", "radiotherapy", ""},
		{"licence", "items", "质子/重离子", "radiotherapy", ""},
		{"licence", "items", "核医学：PET、SPECT", "pet,spect", ""},
		{"licence", "items", "X射线影像诊断/介入放射学", "xray_imaging,interventional", ""},
		{"licence", "items", "X射线影像诊断：CT、乳腺X射线", "ct,mammography", ""},
		{"licence", "items", "DSA", "interventional", ""},
		{"licence", "items", "ct, CT ,ＣＴ", "ct", ""},
		{"licence", "items", "pet,ct", "pet,ct", ""},
		{"licence", "items", "Dental X-ray; Mammography", "dental_xray,mammography", ""},
		{"licence", "items", "、；", "", ""},
		{"licence", "items", "X射线影像诊断（CT、MRI）", "", "许可项目中的“MRI”无法识别：每一项应为 放射治疗、核医学、PET、SPECT、核医学治疗、放射性粒子植入、介入放射学、X射线影像诊断、普通X射线诊断、CT、牙科X射线、乳腺X射线 等13项 之一（也可以写类别名称，如“X射线影像诊断”表示该类别的全部项目），多项之间用顿号“、”分隔。"},
		{"licence", "items", "CT/MRI", "!", ""},
		{"licence", "items", "CT、MRI、超声", "", "许可项目中的“MRI”“超声”无法识别：每一项应为 放射治疗、核医学、PET、SPECT、核医学治疗、放射性粒子植入、介入放射学、X射线影像诊断、普通X射线诊断、CT、牙科X射线、乳腺X射线 等13项 之一（也可以写类别名称，如“X射线影像诊断”表示该类别的全部项目），多项之间用顿号“、”分隔。"},
	})
}
