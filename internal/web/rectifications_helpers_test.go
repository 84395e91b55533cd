package web_test

import (
	"context"

	"radsup/internal/domain"
	"radsup/internal/enforcement"
)

// rectifications orders A and B to correct their flawed device's finding;
// A's user answers with a PDF (env.rectFile).
func (e *env) rectifications(enf *enforcement.Service) {
	t, ctx, sup := e.t, context.Background(), e.users["supervisor"]
	for _, f := range []*fixture{&e.a, &e.b} {
		r, err := enf.CreateRectification(ctx, domain.Actor{Username: sup.Username}, sup,
			enforcement.NewRectification{FindingIDs: []int64{f.finding.ID}, Opinion: "补做验收检测"})
		if err != nil {
			t.Fatal(err)
		}
		f.rect = r.ID
	}
	inst := e.users["inst"]
	file, err := enf.AddRectificationFile(ctx, domain.Actor{Username: inst.Username}, inst, e.a.rect, "验收检测报告.pdf", []byte("%PDF-1.4\\n"))
	if err != nil {
		t.Fatal(err)
	}
	e.rectFile = file.ID
}

// rectVersion is the current version of a rectification.
func (e *env) rectVersion(rect int64) string {
	v, err := (&enforcement.Service{Store: e.store}).Rectification(context.Background(), e.users["supervisor"], rect)
	if err != nil {
		e.t.Fatal(err)
	}
	return id(int64(v.Rectification.Version))
}
