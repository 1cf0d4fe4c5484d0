package intent

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/bulwarkhq/bulwark/scan"
)

// Row is one labelled message of a JSONL corpus: the shared data set
// (id, text, label, kind, source) or this package's own testdata (text,
// kind, lang, group).
type Row struct {
	ID     string    `json:"id,omitempty"`
	Text   string    `json:"text"`
	Label  string    `json:"label,omitempty"`
	Kind   scan.Kind `json:"kind"`
	Source string    `json:"source,omitempty"`
	Lang   string    `json:"lang,omitempty"`
	Group  string    `json:"group,omitempty"`
}

// Attack reports whether the row is labelled as an attack.
func (r Row) Attack() bool { return r.Kind != "benign" && r.Kind != "" }

// ReadRows reads a JSONL corpus and returns its rows and the hex sha256 of
// the file, which names the data version.
func ReadRows(path string) ([]Row, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("read rows: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	rows, err := decodeRows(io.TeeReader(f, h))
	if err != nil {
		return nil, "", fmt.Errorf("read rows %s: %w", path, err)
	}
	return rows, hex.EncodeToString(h.Sum(nil)), nil
}

func decodeRows(r io.Reader) ([]Row, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 64<<20)
	var rows []Row
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var row Row
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if row.Kind == "" {
			row.Kind = "benign"
		}
		rows = append(rows, row)
	}
	return rows, sc.Err()
}

// Source weights for the message head. PromptInject rows are a few templates
// repeated, so they count less; BIPIA injections differ from their benign
// twins in one inserted line, which the line head learns instead.
var sourceWeight = map[string]float64{
	"promptinject":   0.3,
	"bipia_injected": 0,
}

// TrainingSet turns the shared training rows and this package's own
// augmentation rows into examples for both heads. Augmentation rows with
// group "line" are smuggled instructions for the line head only.
func TrainingSet(train, augment []Row) ([]Example, []LineExample) {
	var msgs []Example
	var lines []LineExample
	for _, r := range append(train, augment...) {
		if r.Group == "line" {
			lines = append(lines, LineExample{Text: r.Text, Attack: r.Attack(), Weight: 3})
			continue
		}
		w, ok := sourceWeight[r.Source]
		if !ok {
			w = 1
		}
		if r.Source == "" { // our own rows: few, so each counts more
			w = 3
		}
		if w > 0 {
			msgs = append(msgs, Example{Text: r.Text, Kind: r.Kind, Weight: w})
		}
		if !r.Attack() {
			for _, l := range innerLines(r.Text) {
				lines = append(lines, LineExample{Text: l})
			}
		}
	}
	for _, r := range train {
		if r.Source != "bipia_injected" {
			continue
		}
		span, rest := insertedSpan(r.Text, train)
		for _, l := range splitLines(span) {
			for _, u := range sentences(l) {
				if isProse(u) {
					lines = append(lines, LineExample{Text: u, Attack: true, Weight: 6})
				}
			}
		}
		for _, l := range rest {
			lines = append(lines, LineExample{Text: l})
		}
	}
	return msgs, lines
}

// insertedSpan finds the benign twin of an injected BIPIA text (the clean
// row sharing the longest prefix plus suffix) and returns the inserted text
// and the injected text's other inner lines.
func insertedSpan(text string, rows []Row) (string, []string) {
	best, bi, bj, blen := -1, 0, 0, 0
	for _, c := range rows {
		if c.Source != "bipia" {
			continue
		}
		i := commonPrefix(text, c.Text)
		j := commonPrefix(reverse(text[i:]), reverse(c.Text[i:]))
		if i+j > best {
			best, bi, bj, blen = i+j, i, j, len(c.Text)
		}
	}
	if best < blen-2 {
		return "", nil // no exact twin in the training rows
	}
	span := text[bi : len(text)-bj]
	var rest []string
	for _, u := range innerLines(text[:bi] + text[len(text)-bj:]) {
		if !strings.Contains(span, u) {
			rest = append(rest, u)
		}
	}
	return span, rest
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// splitLines returns the non-empty trimmed lines of s.
func splitLines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// innerLines returns the units the line head reads: the prose sentences and
// table cells of every non-empty line but the first, which holds the user's
// own request in front of pasted material. Texts of fewer than three lines
// have none.
func innerLines(s string) []string {
	ls := splitLines(s)
	if len(ls) < 3 {
		return nil
	}
	var out []string
	for _, l := range ls[1:] {
		for cell := range strings.SplitSeq(l, "|") {
			for _, u := range sentences(cell) {
				if isProse(u) {
					out = append(out, u)
				}
			}
		}
	}
	return out
}

// sentences splits a line after ". ", "? ", "! " and their CJK forms.
func sentences(l string) []string {
	var out []string
	start := 0
	for i, r := range l {
		end := 0
		switch r {
		case '.', '?', '!':
			if i+1 == len(l) || l[i+1] == ' ' {
				end = i + 1
			}
		case '。', '？', '！':
			end = i + len(string(r))
		}
		if end > 0 {
			if u := strings.TrimSpace(l[start:end]); u != "" {
				out = append(out, u)
			}
			start = end
		}
	}
	if u := strings.TrimSpace(l[start:]); u != "" {
		out = append(out, u)
	}
	return out
}

// isProse reports whether a line reads as natural language rather than code,
// a table row or a header: at least four words (or eight letters of a
// script without spaces) and mostly letters and spaces.
func isProse(l string) bool {
	letters, other, words, wide := 0, 0, 0, 0
	inWord := false
	for _, r := range l {
		switch {
		case unicode.IsLetter(r):
			letters++
			if r >= 0x2E80 {
				wide++
			}
			if !inWord {
				words++
				inWord = true
			}
			continue
		case strings.ContainsRune(" ,.'?!:\"-", r):
		default:
			other++
		}
		inWord = false
	}
	return (words >= 4 || wide >= 8) && other*5 <= letters
}
