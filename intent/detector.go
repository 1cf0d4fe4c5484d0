package intent

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/bulwarkhq/bulwark/scan"
)

// Mode says what the detector does with one kind.
type Mode string

// Modes per kind. The zero value of a [Config] blocks every kind.
const (
	ModeBlock Mode = "block" // report the finding with scan.Block
	ModeFlag  Mode = "flag"  // report the finding with scan.Flag; the message passes
	ModeOff   Mode = "off"   // do not report the kind
)

// Config configures a [Detector]. The zero value blocks every kind at the
// tuned default thresholds and asks no judge.
type Config struct {
	Modes      map[scan.Kind]Mode    // missing kinds block
	Thresholds map[scan.Kind]float64 // zero or missing = the tuned default
	Judge      *JudgeConfig          // nil = no LLM judge
}

//go:embed model/weights.bin
var embeddedWeights []byte

//go:embed model/info.json
var embeddedInfo []byte

// Detector judges messages for the intent layer. It is safe for concurrent
// use.
//
// Security limits: the rules cover English, German, French, Spanish and
// Chinese phrasings and the model learnt mostly English data, so attacks in
// other languages, or paraphrases far from both, can pass. Instructions
// smuggled into pasted documents are recognised by how they read, not by what
// they make the assistant do, so a harmless-looking request hidden in an
// email may pass and an email that asks its reader to do something may be
// flagged.
type Detector struct {
	rules      *ruleSet
	model      *Model
	info       ModelInfo
	thresholds [len(kinds)]float64
	modes      [len(kinds)]Mode
	judge      *judge
	pool       sync.Pool // *scratch
}

// kinds are the intent kinds in finding order; index i is class i+1.
var kinds = [...]scan.Kind{scan.PromptInjection, scan.Jailbreak, scan.SystemManipulation}

type scratch struct {
	fs    []uint32
	stamp []uint32
	hits  []ruleHit
}

// New returns a detector over the embedded model.
func New(cfg Config) (*Detector, error) {
	m, err := parseModel(embeddedWeights)
	if err != nil {
		return nil, fmt.Errorf("load intent model: %w", err)
	}
	var info ModelInfo
	if err := json.Unmarshal(embeddedInfo, &info); err != nil {
		return nil, fmt.Errorf("load intent model info: %w", err)
	}
	return NewWithModel(cfg, m, info)
}

// NewWithModel returns a detector over a given model, as `bulwark intent
// train` does to tune thresholds before writing the model out.
func NewWithModel(cfg Config, m *Model, info ModelInfo) (*Detector, error) {
	rs, err := buildRules()
	if err != nil {
		return nil, fmt.Errorf("compile intent rules: %w", err)
	}
	d := &Detector{rules: rs, model: m, info: info}
	for i, k := range kinds {
		d.thresholds[i] = info.Thresholds[k]
		if d.thresholds[i] == 0 {
			d.thresholds[i] = 0.5
		}
		if t := cfg.Thresholds[k]; t != 0 {
			if t < 0 || t > 1 {
				return nil, fmt.Errorf("intent threshold for %s: %v is outside 0..1", k, t)
			}
			d.thresholds[i] = t
		}
		switch md := cfg.Modes[k]; md {
		case "":
			d.modes[i] = ModeBlock
		case ModeBlock, ModeFlag, ModeOff:
			d.modes[i] = md
		default:
			return nil, fmt.Errorf("intent mode for %s: %q is not block, flag or off", k, md)
		}
	}
	for k := range cfg.Modes {
		if !slices.Contains(kinds[:], k) {
			return nil, fmt.Errorf("intent mode: unknown kind %q", k)
		}
	}
	if cfg.Judge != nil {
		j, err := newJudge(*cfg.Judge)
		if err != nil {
			return nil, err
		}
		d.judge = j
	}
	d.pool.New = func() any {
		return &scratch{fs: make([]uint32, 0, 4096), stamp: make([]uint32, rs.nAnchor)}
	}
	return d, nil
}

// Info describes the model the detector runs.
func (d *Detector) Info() ModelInfo { return d.info }

// Threshold returns the score at or above which kind k is reported.
func (d *Detector) Threshold(k scan.Kind) float64 {
	if i := slices.Index(kinds[:], k); i >= 0 {
		return d.thresholds[i]
	}
	return 1
}

// Analysis is the detector's reading of one message before thresholds and
// modes apply.
type Analysis struct {
	Scores [len(kinds)]float64 // combined score per kind, in [kinds] order
	Model  [len(kinds)]float64 // message head, highest window
	Rules  [len(kinds)]float64 // rule evidence
	Line   float64             // line head, highest inner line
	hits   []ruleHit
	best   [len(kinds)]string // the window that gave Model its value
	line   string             // the line that gave Line its value
}

// Score returns the scores of text for each kind and what they rest on.
func (d *Detector) Score(text string) Analysis {
	sc := d.pool.Get().(*scratch)
	defer d.pool.Put(sc)
	var a Analysis
	sc.hits = sc.hits[:0]
	vs := Views(text)
	for _, v := range vs {
		sc.hits = d.rules.match(sc.hits, v.Text, v.Source, sc.stamp)
		for _, w := range windows(v.Text) {
			sc.fs = features(sc.fs[:0], w)
			p := d.model.messageProbs(sc.fs)
			for i := range kinds {
				if p[i+1] > a.Model[i] {
					a.Model[i], a.best[i] = p[i+1], w
				}
			}
		}
	}
	var miss [len(kinds)]float64
	for i := range miss {
		miss[i] = 1
	}
	for _, h := range sc.hits {
		miss[h.rule.ki] *= 1 - h.strength()
	}
	if len(sc.hits) > 0 {
		a.hits = slices.Clone(sc.hits)
	}
	for i := range kinds {
		a.Rules[i] = 1 - miss[i]
		a.Scores[i] = 1 - (1-a.Model[i])*(1-a.Rules[i])
	}
	// The line head can only raise prompt injection; once that is reported
	// anyway, reading every line again would change nothing but the score.
	if a.Scores[0] >= d.thresholds[0] {
		return a
	}
	for _, l := range innerLines(vs[0].Text) {
		for _, w := range windows(l) {
			sc.fs = features(sc.fs[:0], w)
			if p := d.model.lineProb(sc.fs); p > a.Line {
				a.Line, a.line = p, w
			}
		}
	}
	a.Scores[0] = 1 - (1-a.Scores[0])*(1-lineWeight*a.Line)
	return a
}

// lineWeight scales the line head's evidence for prompt injection: a single
// odd line in pasted material is weaker evidence than the whole message.
const lineWeight = 0.9

// Check judges one message.
func (d *Detector) Check(ctx context.Context, text string) scan.Verdict {
	a := d.Score(text)
	v := scan.Verdict{Allowed: true, Findings: []scan.Finding{}}
	judged := ""
	if d.judge != nil && d.inBand(a) {
		a, judged = d.judge.review(ctx, text, a, d)
	}
	for i, k := range kinds {
		if d.modes[i] == ModeOff || a.Scores[i] < d.thresholds[i] {
			continue
		}
		act := scan.Block
		if d.modes[i] == ModeFlag {
			act = scan.Flag
		}
		v.Findings = append(v.Findings, scan.Finding{
			Layer:  scan.LayerIntent,
			Kind:   k,
			Score:  math.Round(a.Scores[i]*1000) / 1000,
			Detail: d.explain(a, i, judged),
			Action: act,
		})
		if act == scan.Block {
			v.Allowed = false
		}
	}
	return v
}

// explain says which rules fired, what the model and line head gave, and
// which features weighed most.
func (d *Detector) explain(a Analysis, i int, judged string) string {
	var parts []string
	var names []string
	for _, h := range a.hits {
		if h.rule.kind != kinds[i] {
			continue
		}
		n := h.rule.name
		if h.source != "text" {
			n += " (in " + h.source + ")"
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) > 0 {
		parts = append(parts, "rules: "+strings.Join(names, ", "))
	}
	parts = append(parts, fmt.Sprintf("model %.2f", a.Model[i]))
	if top := d.topFeatures(a.best[i], i+1, 3); len(top) > 0 {
		parts = append(parts, "features: "+strings.Join(top, ", "))
	}
	if kinds[i] == scan.PromptInjection && a.Line >= 0.5 {
		parts = append(parts,
			fmt.Sprintf("embedded instruction %.2f: %q", a.Line, clip(a.line, 60)))
	}
	if judged != "" {
		parts = append(parts, judged)
	}
	return strings.Join(parts, "; ")
}

// clip shortens s to at most n bytes at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// topFeatures returns the words and word pairs of text that raise class c
// the most against benign, quoted, best first. Character n-grams weigh in
// the score but are left out here: they explain little to a reader.
func (d *Detector) topFeatures(text string, c, n int) []string {
	type fw struct {
		gram string
		w    float32
	}
	top := make([]fw, 0, n+1)
	eachWordFeature(text, func(b uint32, gram string) {
		w := d.model.msgWeight(b, c) - d.model.msgWeight(b, 0)
		if w <= 0 || len(top) == n && w <= top[n-1].w {
			return
		}
		for _, f := range top {
			if f.gram == gram {
				return
			}
		}
		i := len(top)
		for i > 0 && top[i-1].w < w {
			i--
		}
		top = slices.Insert(top, i, fw{gram, w})
		if len(top) > n {
			top = top[:n]
		}
	})
	out := make([]string, len(top))
	for i, f := range top {
		out[i] = fmt.Sprintf("%q", f.gram)
	}
	return out
}

// eachWordFeature calls yield with the word and word-pair buckets of s and
// their text, in the order features appends them.
func eachWordFeature(s string, yield func(bucket uint32, gram string)) {
	var prev uint32
	prevStart := -1
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isWordByte(s[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			h := hashBytes(s[start:i])
			yield((h^seedWord)*fnvPrime&bucketMask, s[start:i])
			if prevStart >= 0 {
				yield(((prev*31+h)^seedPair)*fnvPrime&bucketMask, s[prevStart:i])
			}
			prev, prevStart = h, start
			start = -1
		}
	}
}
