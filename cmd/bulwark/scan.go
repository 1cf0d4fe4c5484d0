package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/bulwarkhq/bulwark/scan"
)

// layerFunc judges one text for one detection layer.
type layerFunc func(ctx context.Context, text string) scan.Verdict

// scanLine is one line of `bulwark scan --jsonl` output.
type scanLine struct {
	ID       string         `json:"id"`
	Allowed  bool           `json:"allowed"`
	Findings []scan.Finding `json:"findings"`
}

// maxScanLine bounds one input line of --jsonl mode (64 MiB).
const maxScanLine = 64 << 20

func runScan(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	layers := fs.String("layers", "input,intent", "comma-separated layers to run: input, intent")
	jsonl := fs.Bool("jsonl", false, `read {"id","text"} lines from standard input and write one verdict per line`)
	inputCtx := fs.String("context", "chat", "input-layer context: chat (free text) or strict (identifiers, file names)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bulwark scan [--layers input,intent] [--context chat|strict] [--jsonl] [TEXT]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	checks, err := buildLayers(*layers, *inputCtx)
	if err != nil {
		errorf(stderr, "scan: %v", err)
		return 2
	}
	ctx := context.Background()
	judge := func(text string) scan.Verdict {
		vs := make([]scan.Verdict, len(checks))
		for i, c := range checks {
			vs[i] = c(ctx, text)
		}
		return scan.Merge(vs...)
	}

	if !*jsonl {
		var text string
		switch fs.NArg() {
		case 0:
			b, err := io.ReadAll(stdin)
			if err != nil {
				errorf(stderr, "scan: read standard input: %v", err)
				return 2
			}
			text = string(b)
		case 1:
			text = fs.Arg(0)
		default:
			errorf(stderr, "scan: give one TEXT argument (quote it) or none to read standard input")
			return 2
		}
		v := judge(text)
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(scanLine{Allowed: v.Allowed, Findings: v.Findings})
		return exitFor(v.Allowed)
	}

	if fs.NArg() > 0 {
		errorf(stderr, "scan: --jsonl reads standard input and takes no TEXT argument")
		return 2
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 0, 64<<10), maxScanLine)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	allowed := true
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		var in struct {
			ID   string  `json:"id"`
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(line, &in); err != nil || in.Text == nil {
			out.Flush()
			errorf(stderr, "scan: line %d: want a JSON object with a string \"text\"", n)
			return 2
		}
		v := judge(*in.Text)
		allowed = allowed && v.Allowed
		enc.Encode(scanLine{ID: in.ID, Allowed: v.Allowed, Findings: v.Findings})
	}
	if err := sc.Err(); err != nil {
		out.Flush()
		errorf(stderr, "scan: read standard input: %v", err)
		return 2
	}
	return exitFor(allowed)
}

func exitFor(allowed bool) int {
	if allowed {
		return 0
	}
	return 1
}

// buildLayers turns the --layers list into detection functions, in the order
// given.
func buildLayers(list, inputCtx string) ([]layerFunc, error) {
	var out []layerFunc
	seen := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		var (
			f   layerFunc
			err error
		)
		switch name {
		case "input":
			f, err = newInputLayer(inputCtx)
		case "intent":
			f, err = newIntentLayer()
		default:
			return nil, fmt.Errorf("unknown layer %q (want input or intent)", name)
		}
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", name, err)
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--layers names no layer (want input, intent or both)")
	}
	return out, nil
}
