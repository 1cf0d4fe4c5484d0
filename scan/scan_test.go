package scan

import "testing"

func TestMerge(t *testing.T) {
	tests := []struct {
		name    string
		in      []Verdict
		allowed bool
		n       int
	}{
		{"none", nil, true, 0},
		{"all allowed", []Verdict{{Allowed: true}, {Allowed: true, Findings: []Finding{{Kind: SQLi, Action: Flag}}}}, true, 1},
		{"one blocked", []Verdict{{Allowed: true}, {Allowed: false, Findings: []Finding{{Kind: XSS, Action: Block}}}}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Merge(tt.in...)
			if got.Allowed != tt.allowed || len(got.Findings) != tt.n {
				t.Fatalf("Merge = %+v, want allowed=%v with %d findings", got, tt.allowed, tt.n)
			}
		})
	}
}

func TestBlocking(t *testing.T) {
	v := Verdict{Findings: []Finding{{Kind: SQLi, Action: Flag}, {Kind: XSS, Action: Block}}}
	f, ok := v.Blocking()
	if !ok || f.Kind != XSS {
		t.Fatalf("Blocking = %v, %v; want the xss finding", f, ok)
	}
	if _, ok := (Verdict{Findings: []Finding{{Action: Flag}}}).Blocking(); ok {
		t.Fatal("Blocking found a block in flag-only findings")
	}
}
