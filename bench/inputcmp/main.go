// Command inputcmp runs the labelled input corpus through bulwark's input
// layer, libinjection-go alone, and the OWASP Core Rule Set through Coraza at
// paranoia levels 1 and 2, and prints detection per kind, false positives
// and time per input side by side.
//
// It lives in its own module, as the comparisons under bench/ do, so that
// the comparison's code and its CRS set-up stay out of the product's module
// (which links Coraza only for the optional --waf crs).
//
//	cd bench/inputcmp && go run . [-data DIR] [-sample N]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/libinjection-go"

	"github.com/bulwarkhq/bulwark/validate"
)

// row is one labelled corpus line.
type row struct {
	Text   string `json:"text"`
	Label  string `json:"label"`
	Kind   string `json:"kind"`
	Source string `json:"source"`
}

// engine judges one text: true means blocked.
type engine struct {
	name  string
	block func(text string) bool
}

// tally counts outcomes and time for one engine and one group of rows.
type tally struct {
	n, blocked int
	elapsed    time.Duration
}

func main() {
	dataDir := flag.String("data", "../../../shared/data/input", "directory of labelled *.jsonl files")
	sample := flag.Int("sample", 0, "judge a random sample of this many rows (0: all)")
	flag.Parse()
	if err := run(os.Stdout, *dataDir, *sample); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dataDir string, sample int) error {
	rows, err := readRows(dataDir)
	if err != nil {
		return err
	}
	if sample > 0 && sample < len(rows) {
		r := rand.New(rand.NewPCG(1, 2))
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		rows = rows[:sample]
	}
	engines, err := buildEngines()
	if err != nil {
		return err
	}
	res := make([]map[string]*tally, len(engines))
	for i, e := range engines {
		res[i] = judge(e, rows)
	}
	printTable(w, engines, res)
	return nil
}

func buildEngines() ([]engine, error) {
	v, err := validate.New(validate.Config{})
	if err != nil {
		return nil, err
	}
	out := []engine{
		{"bulwark (chat)", func(t string) bool { return !v.Check(t, validate.Chat).Allowed }},
		{"libinjection", func(t string) bool {
			sqli, _ := libinjection.IsSQLi(t)
			return sqli || libinjection.IsXSS(t)
		}},
	}
	for _, pl := range []int{1, 2} {
		waf, err := newCRS(pl)
		if err != nil {
			return nil, fmt.Errorf("load CRS at paranoia %d: %w", pl, err)
		}
		block := func(t string) bool { return crsBlocks(waf, t) }
		out = append(out, engine{fmt.Sprintf("CRS PL%d", pl), block})
	}
	return out, nil
}

// newCRS loads the Core Rule Set in blocking mode at paranoia level pl.
func newCRS(pl int) (coraza.WAF, error) {
	directives := fmt.Sprintf(`
Include @coraza.conf-recommended
Include @crs-setup.conf.example
SecRuleEngine On
SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=%d"
Include @owasp_crs/*.conf
`, pl)
	return coraza.NewWAF(coraza.NewWAFConfig().WithRootFS(coreruleset.FS).WithDirectives(directives))
}

// crsBlocks sends text as a query-string parameter of an otherwise ordinary
// browser request and reports whether CRS interrupts it.
func crsBlocks(waf coraza.WAF, text string) bool {
	tx := waf.NewTransaction()
	defer tx.Close()
	tx.ProcessConnection("127.0.0.1", 40000, "127.0.0.1", 8080)
	tx.ProcessURI("/api/chat?message="+url.QueryEscape(text), "GET", "HTTP/1.1")
	tx.AddRequestHeader("Host", "localhost")
	tx.AddRequestHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0")
	tx.AddRequestHeader("Accept", "text/html,application/json")
	tx.AddRequestHeader("Accept-Language", "en-US,en;q=0.5")
	if it := tx.ProcessRequestHeaders(); it != nil {
		return true
	}
	it, err := tx.ProcessRequestBody()
	return err == nil && it != nil
}

// judge runs every row through e and groups outcomes: attacks by kind,
// benign rows as "benign" and, for the SQL-in-chat rows, also by source.
func judge(e engine, rows []row) map[string]*tally {
	out := map[string]*tally{}
	add := func(group string, blocked bool, d time.Duration) {
		t := out[group]
		if t == nil {
			t = &tally{}
			out[group] = t
		}
		t.n++
		t.elapsed += d
		if blocked {
			t.blocked++
		}
	}
	for _, r := range rows {
		start := time.Now()
		blocked := e.block(r.Text)
		d := time.Since(start)
		add("all", blocked, d)
		if r.Label == "benign" {
			add("benign", blocked, d)
			if r.Source == "spider/dev-sql-in-chat" {
				add("benign: SQL in chat", blocked, d)
			}
			continue
		}
		add(r.Kind, blocked, d)
		add("attacks", blocked, d)
	}
	return out
}

func printTable(w io.Writer, engines []engine, res []map[string]*tally) {
	groups := []string{}
	for g := range res[0] {
		if g != "all" && g != "attacks" && !strings.HasPrefix(g, "benign") {
			groups = append(groups, g)
		}
	}
	slices.Sort(groups)
	groups = append(groups, "attacks", "benign", "benign: SQL in chat")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "group\trows\t")
	for _, e := range engines {
		fmt.Fprintf(tw, "%s\t", e.name)
	}
	fmt.Fprintln(tw)
	for _, g := range groups {
		t0 := res[0][g]
		if t0 == nil {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t", g, t0.n)
		for i := range engines {
			t := res[i][g]
			fmt.Fprintf(tw, "%.1f%%\t", 100*float64(t.blocked)/float64(t.n))
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "mean time per input\t%d\t", res[0]["all"].n)
	for i := range engines {
		t := res[i]["all"]
		fmt.Fprintf(tw, "%.1f µs\t", float64(t.elapsed.Microseconds())/float64(t.n))
	}
	fmt.Fprintln(tw)
	tw.Flush()
	fmt.Fprintln(w, "\nattack rows: share blocked (detection); "+
		"benign rows: share blocked (false positives)")
}

func readRows(dir string) ([]row, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no *.jsonl files in %s (set -data)", dir)
	}
	var rows []row
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for n := 1; sc.Scan(); n++ {
			var r row
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				f.Close()
				return nil, fmt.Errorf("read %s:%d: %w", name, n, err)
			}
			rows = append(rows, r)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
	return rows, nil
}
