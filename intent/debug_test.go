package intent

import (
	"fmt"
	"os"
	"sort"
	"testing"
)

func TestDebugTop(t *testing.T) {
	if os.Getenv("INTENT_DEBUG") == "" {
		t.Skip("debug listing; set INTENT_DEBUG=1")
	}
	d, _ := New(Config{})
	rows, _, _ := ReadRows("../../shared/data/intent/dev.jsonl")
	sc := d.ScoreRows(rows)
	k := 0
	if os.Getenv("INTENT_KIND") != "" {
		k = int(os.Getenv("INTENT_KIND")[0] - '0')
	}
	sort.Slice(sc, func(i, j int) bool { return sc[i].Analysis.Scores[k] > sc[j].Analysis.Scores[k] })
	n := 0
	for _, s := range sc {
		if s.Row.Attack() {
			continue
		}
		a := s.Analysis
		var names []string
		nt := Normalize(s.Row.Text)
		for _, h := range a.hits {
			names = append(names, h.rule.name+"="+h.rule.re.FindString(nt))
		}
		fmt.Printf("%s S=%.2f m=%.2f r=%.2f line=%.2f %v %q\n", s.Row.ID, a.Scores[k], a.Model[k], a.Rules[k], a.Line, names, clip(a.line, 100))
		if n++; n > 15 {
			break
		}
	}
}
