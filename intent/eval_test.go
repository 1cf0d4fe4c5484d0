package intent

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/scan"
)

// sharedData is the labelled data set, relative to this package.
var sharedData = filepath.Join("..", "..", "shared", "data", "intent")

func embedded(t testing.TB) *Detector {
	t.Helper()
	d, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func readRows(t testing.TB, path string) []Row {
	t.Helper()
	rows, _, err := ReadRows(path)
	if os.IsNotExist(err) || err != nil && strings.Contains(err.Error(), "no such file") {
		t.Skipf("%s is missing; it is the shared data set (see its README), needed for this test", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// logTable writes recall and false-positive figures for the groups with the
// given prefix.
func logTable(t *testing.T, title string, cs map[string]Count, prefix string) {
	t.Helper()
	var keys []string
	for k := range cs {
		if strings.HasPrefix(k, prefix) || k == "all" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%-34s %8s %8s %8s %8s\n", title, "group", "attacks", "recall", "benign", "fp")
	for _, k := range keys {
		c := cs[k]
		fmt.Fprintf(&b, "%-34s %8d %7.1f%% %8d %7.1f%%\n", k, c.Attacks, 100*c.Recall(), c.Benign, 100*c.FPR())
	}
	t.Log("\n" + b.String())
}

func logMisses(t *testing.T, d *Detector, scored []Scored) {
	t.Helper()
	missed, fps := d.Misses(scored)
	for _, s := range missed {
		t.Logf("missed %s %s %.2f %q", s.Row.ID, s.Row.Kind, s.Analysis.Scores, clip(s.Row.Text, 100))
	}
	for _, s := range fps {
		t.Logf("false positive %s %.2f %q", s.Row.ID, s.Analysis.Scores, clip(s.Row.Text, 100))
	}
}

// TestDev holds the embedded model to the bar on dev.jsonl: recall at least
// 95% with at most 1% false positives.
func TestDev(t *testing.T) {
	d := embedded(t)
	rows := readRows(t, filepath.Join(sharedData, "dev.jsonl"))
	scored := d.ScoreRows(rows)
	cs := d.Evaluate(scored)
	logTable(t, "dev.jsonl by source", cs, "source:")
	logTable(t, "dev.jsonl by kind", cs, "kind:")
	all := cs["all"]
	if all.Recall() < 0.95 || all.FPR() > 0.01 {
		logMisses(t, d, scored)
		t.Errorf("dev: recall %.1f%% (want >= 95%%), false positives %.1f%% (want <= 1%%)",
			100*all.Recall(), 100*all.FPR())
	}
}

// TestCases checks the hand-written cases used while writing rules: every
// language and obfuscation the package claims. They were tuned on, so every
// row must come out right.
func TestCases(t *testing.T) {
	d := embedded(t)
	rows := readRows(t, filepath.Join("testdata", "cases.jsonl"))
	for _, r := range rows {
		name := r.Lang + "/" + r.Group + "/" + clip(r.Text, 40)
		t.Run(name, func(t *testing.T) {
			v := d.Check(t.Context(), r.Text)
			if v.Allowed == r.Attack() {
				a := d.Score(r.Text)
				t.Errorf("%s: allowed=%v, want %v; scores %.2f findings %+v", r.Kind, v.Allowed, !r.Attack(), a.Scores, v.Findings)
			}
			if r.Attack() && !v.Allowed && !slices.ContainsFunc(v.Findings, func(f scan.Finding) bool { return f.Kind == r.Kind }) {
				t.Logf("%s detected as %+v", r.Kind, v.Findings)
			}
		})
	}
	cs := d.Evaluate(d.ScoreRows(rows))
	logTable(t, "cases.jsonl by language", cs, "lang:")
	logTable(t, "cases.jsonl by group", cs, "group:")
}

// TestHeldout reports figures on cases written before any tuning and never
// trained or tuned on. Only its false-positive rate has a bar (3%); its
// recall is reported as a measure.
func TestHeldout(t *testing.T) {
	d := embedded(t)
	rows := readRows(t, filepath.Join("testdata", "heldout.jsonl"))
	scored := d.ScoreRows(rows)
	cs := d.Evaluate(scored)
	logTable(t, "heldout.jsonl by language", cs, "lang:")
	logTable(t, "heldout.jsonl by kind", cs, "kind:")
	logTable(t, "heldout.jsonl by group", cs, "group:")
	logMisses(t, d, scored)
	if fpr := cs["all"].FPR(); fpr > 0.03 {
		t.Errorf("heldout hard negatives: %.1f%% false positives, want <= 3%%", 100*fpr)
	}
}
