package validate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/scan"
)

// corpusRow is one line of a labelled JSONL corpus.
type corpusRow struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Label  string `json:"label"`
	Kind   string `json:"kind"`
	Source string `json:"source"`
}

// readCorpus reads every *.jsonl file in dir.
func readCorpus(t testing.TB, dir string) []corpusRow {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []corpusRow
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for n := 1; sc.Scan(); n++ {
			var r corpusRow
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s:%d: %v", name, n, err)
			}
			rows = append(rows, r)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
	}
	return rows
}

// sharedDataDir returns ../shared/data/input relative to the directory
// holding go.mod, or "" when it does not exist.
func sharedDataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "data", "input")
	if _, err := os.Stat(d); err != nil {
		return ""
	}
	return d
}

// tally counts outcomes for one group of rows.
type tally struct {
	n, blocked, sameKind int
	misses               []string
}

// evaluate runs rows through v in context c and groups outcomes by kind
// (attacks) or by source (benign rows).
func evaluate(v *Validator, rows []corpusRow, c Context) map[string]*tally {
	out := map[string]*tally{}
	get := func(k string) *tally {
		if out[k] == nil {
			out[k] = &tally{}
		}
		return out[k]
	}
	for _, r := range rows {
		vd := v.Check(r.Text, c)
		groups := []string{r.Kind}
		if r.Label == "benign" {
			groups = []string{"benign", "benign:" + r.Source}
		}
		for _, g := range groups {
			tl := get(g)
			tl.n++
			blocked := !vd.Allowed
			if blocked {
				tl.blocked++
				if f, _ := vd.Blocking(); string(f.Kind) == r.Kind {
					tl.sameKind++
				}
			}
			if blocked == (r.Label == "benign") {
				msg := fmt.Sprintf("%q", r.Text)
				if blocked {
					f, _ := vd.Blocking()
					msg = fmt.Sprintf("%s %.2f %s: %s", f.Kind, f.Score, f.Detail, msg)
				} else if sv := v.Check(r.Text, Strict); len(sv.Findings) > 0 {
					f := sv.Findings[0]
					msg = fmt.Sprintf("(%s %.2f %s) %s", f.Kind, f.Score, f.Detail, msg)
				}
				tl.misses = append(tl.misses, msg)
			}
		}
	}
	return out
}

// Targets in the chat context.
const (
	goalDetection = 0.97
	maxBenignFP   = 0.005
	maxSQLChatFP  = 0.02
	minKindRows   = 50
	sqlInChatName = "benign:spider/dev-sql-in-chat"
)

// detectionFloor holds, for the kinds still below goalDetection, the rate
// they reached: falling under it fails the test, so nothing regresses,
// while the gap to the goal is logged on every run.
// TODO: cmdi is below the 97% goal in chat. Its misses are CRS vectors
// with no separator: bare command lines (pip3 install something, ansible
// all -m ping), one-word messages (visudo, QUIT) and prose (Mount Airy
// basketball coach...). Chat must let those through; see docs/validate.md.
var detectionFloor = map[scan.Kind]float64{scan.CmdI: 0.923}

func TestSharedCorpus(t *testing.T) {
	dir := sharedDataDir(t)
	if dir == "" {
		t.Skip("shared corpus ../shared/data/input (next to the repository root) is absent; " +
			"check out the shared data beside the repository to run this test")
	}
	v, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	res := evaluate(v, readCorpus(t, dir), Chat)
	logTable(t, res)
	for _, k := range scan.InputKinds {
		tl := res[string(k)]
		if tl == nil || tl.n < minKindRows {
			continue
		}
		rate := float64(tl.blocked) / float64(tl.n)
		floor, known := detectionFloor[k]
		if !known {
			floor = goalDetection
		}
		if rate < floor {
			t.Errorf("%s: detection %.1f%% below %.1f%%", k, 100*rate, 100*floor)
		}
		if rate < goalDetection {
			t.Logf("%s: detection %.1f%% is below the %.0f%% goal (known gap, floor %.1f%%)",
				k, 100*rate, 100*goalDetection, 100*floor)
		}
	}
	if tl := res["benign"]; tl != nil && float64(tl.blocked)/float64(tl.n) > maxBenignFP {
		t.Errorf("benign: false positives %.2f%% above %.1f%%",
			100*float64(tl.blocked)/float64(tl.n), 100*maxBenignFP)
	}
	if tl := res[sqlInChatName]; tl != nil && float64(tl.blocked)/float64(tl.n) > maxSQLChatFP {
		t.Errorf("SQL in chat: false positives %.2f%% above %.0f%%",
			100*float64(tl.blocked)/float64(tl.n), 100*maxSQLChatFP)
	}
}

// TestSharedCorpusStrict holds the strict context (identifiers, IDs, file
// names: any injection signal blocks) to the detection goal for every kind
// with enough rows, chat-context gaps included. Its false positives on the
// benign rows, which are chat text, are logged only: strict is not meant
// for prose.
func TestSharedCorpusStrict(t *testing.T) {
	dir := sharedDataDir(t)
	if dir == "" {
		t.Skip("shared corpus ../shared/data/input (next to the repository root) is absent; " +
			"check out the shared data beside the repository to run this test")
	}
	res := evaluate(mustNew(t, Config{}), readCorpus(t, dir), Strict)
	logTable(t, res)
	for _, k := range scan.InputKinds {
		tl := res[string(k)]
		if tl == nil || tl.n < minKindRows {
			continue
		}
		if rate := float64(tl.blocked) / float64(tl.n); rate < goalDetection {
			t.Errorf("%s: strict detection %.1f%% below %.0f%%", k, 100*rate, 100*goalDetection)
		}
	}
}

// report logs a table of outcomes and, when BULWARK_MISSES names a file,
// writes every miss there.
func logTable(t *testing.T, res map[string]*tally) {
	t.Helper()
	keys := make([]string, 0, len(res))
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-48s %6s %8s %8s\n", "group", "rows", "blocked", "as kind")
	for _, k := range keys {
		tl := res[k]
		fmt.Fprintf(&b, "%-48s %6d %7.2f%% %7.2f%%\n", k, tl.n,
			100*float64(tl.blocked)/float64(tl.n), 100*float64(tl.sameKind)/float64(tl.n))
	}
	t.Log(b.String())
	if path := os.Getenv("BULWARK_MISSES"); path != "" {
		var m strings.Builder
		for _, k := range keys {
			for _, s := range res[k].misses {
				fmt.Fprintf(&m, "%s\t%s\n", k, s)
			}
		}
		if err := os.WriteFile(path, []byte(m.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOwnCorpus runs the self-written corpora in testdata/: obfuscated
// attacks must all be blocked and benign lookalikes all allowed, in the chat
// context.
func TestOwnCorpus(t *testing.T) {
	v, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range readCorpus(t, "testdata") {
		t.Run(r.Kind+"/"+r.ID, func(t *testing.T) {
			vd := v.Check(r.Text, Chat)
			if r.Label == "benign" && !vd.Allowed {
				f, _ := vd.Blocking()
				t.Errorf("benign text blocked as %s (%.2f %s): %q", f.Kind, f.Score, f.Detail, r.Text)
			}
			if r.Label == "attack" && vd.Allowed {
				t.Errorf("%s attack allowed: %q", r.Kind, r.Text)
			}
		})
	}
}

// chatCorpusFloor holds, per split of testdata/chat, the share of attacks
// blocked and of benign rows blocked that the chat context reached: less
// detection or more false positives fails the test. The detectors were
// tuned on dev until every row came out right; heldout says how that
// carries over, and fresh, written afterwards by someone else and read by
// nobody, says it again. dev2 (sqli, xpath, nosqli, crlf, ldap) and dev3
// (cmdi, ssti, traversal, xss) were tuned on after fresh was measured.
// TODO: heldout and fresh still miss about one attack in twenty (cmdi,
// nosqli, ssti and traversal inside sentences) and block 2-3% of benign
// messages, most of them quoting a classic payload to ask about it.
var chatCorpusFloor = map[string]struct{ detection, falsePositives float64 }{
	"dev":     {1.000, 0.0000},
	"heldout": {0.950, 0.0161},
	"fresh":   {0.950, 0.0167},
	"dev2":    {0.977, 0.0000},
	"dev3":    {0.944, 0.0067},
}

// TestChatCorpus measures the chat context on the corpus in testdata/chat,
// written for bulwark in many languages and styles (see its README).
func TestChatCorpus(t *testing.T) {
	v := mustNew(t, Config{})
	for _, split := range []string{"dev", "heldout", "fresh", "dev2", "dev3"} {
		t.Run(split, func(t *testing.T) {
			var rows []corpusRow
			for _, r := range readCorpus(t, filepath.Join("testdata", "chat")) {
				if splitOf(r.ID) == split {
					rows = append(rows, r)
				}
			}
			res := evaluate(v, rows, Chat)
			var attacks, caught int
			for _, k := range scan.InputKinds {
				if tl := res[string(k)]; tl != nil {
					attacks, caught = attacks+tl.n, caught+tl.blocked
				}
			}
			benign := res["benign"]
			if attacks == 0 || benign == nil {
				t.Fatalf("split %s has %d attacks and no benign rows", split, attacks)
			}
			logTable(t, res)
			det := float64(caught) / float64(attacks)
			fp := float64(benign.blocked) / float64(benign.n)
			t.Logf("%s: detection %.1f%% (%d of %d), false positives %.2f%% (%d of %d)",
				split, 100*det, caught, attacks, 100*fp, benign.blocked, benign.n)
			floor := chatCorpusFloor[split]
			if det < floor.detection {
				t.Errorf("detection %.1f%% below the %.1f%% reached before", 100*det, 100*floor.detection)
			}
			if fp > floor.falsePositives {
				t.Errorf("false positives %.2f%% above the %.2f%% reached before", 100*fp, 100*floor.falsePositives)
			}
		})
	}
}

// splitOf names the part of testdata/chat a row id falls in: fresh for
// the second set (ids f-…), dev2 and dev3 for the third and fourth (d2-…,
// d3-…), and of the first
// (g-…) dev for an even last hex digit, heldout for an odd one.
func splitOf(id string) string {
	switch {
	case strings.HasPrefix(id, "f-"):
		return "fresh"
	case strings.HasPrefix(id, "d2-"):
		return "dev2"
	case strings.HasPrefix(id, "d3-"):
		return "dev3"
	case !strings.HasPrefix(id, "g-"):
		return ""
	case strings.IndexByte("02468ace", id[len(id)-1]) >= 0:
		return "dev"
	}
	return "heldout"
}
