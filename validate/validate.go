package validate

import (
	"errors"
	"fmt"
	"sync"

	"github.com/bulwarkhq/bulwark/scan"
)

// Context says what kind of text a field holds, which sets how much evidence
// blocks it.
type Context string

const (
	// Chat is free text from people, who paste SQL, HTML, shell commands
	// and paths while asking about them: only high-confidence payloads
	// count. It is the default.
	Chat Context = "chat"
	// Strict is for identifiers, IDs, filters and file names: any
	// injection signal counts.
	Strict Context = "strict"
)

// Mode says what a kind's findings do.
type Mode string

const (
	ModeBlock Mode = "block" // refuse the input (the default)
	ModeFlag  Mode = "flag"  // let it through, report the finding
	ModeOff   Mode = "off"   // do not report the kind at all
)

// Default thresholds: a finding counts when its score reaches the
// threshold of the context.
const (
	DefaultChatThreshold   = 0.7
	DefaultStrictThreshold = 0.3
	DefaultMaxDepth        = 64
)

// Config configures a [Validator]. The zero value runs every kind in block
// mode with the default thresholds.
type Config struct {
	// Modes sets the mode per kind; a missing kind is in block mode.
	Modes map[scan.Kind]Mode
	// ChatThreshold is the score from which a finding counts in the
	// [Chat] context; zero means [DefaultChatThreshold].
	ChatThreshold float64
	// StrictThreshold is the score from which a finding counts in the
	// [Strict] context; zero means [DefaultStrictThreshold].
	StrictThreshold float64
	// MaxDepth bounds the nesting of JSON bodies; zero means
	// [DefaultMaxDepth].
	MaxDepth int
}

// Validator judges inputs with a fixed configuration. It is safe for
// concurrent use.
//
// Security limits: it inspects text, not what an application later does with
// it. Payloads split across fields, encodings nested more than four layers
// deep, and injections into languages it does not know (code evaluation,
// XXE, SSRF, RFI) are not detected. Chat context deliberately lets through SQL, HTML
// and shell text that does not break out of a surrounding context, so an
// application that pastes chat text into a query unquoted is not protected.
type Validator struct {
	modes     [numKinds]Mode
	chat      float64
	strict    float64
	maxDepth  int
	detectors []detector
}

// numKinds is the number of input kinds, for per-kind arrays.
const numKinds = 9

// New returns a Validator for cfg, or an error naming a bad mode, kind or
// threshold.
func New(cfg Config) (*Validator, error) {
	v := &Validator{
		chat:      orDefault(cfg.ChatThreshold, DefaultChatThreshold),
		strict:    orDefault(cfg.StrictThreshold, DefaultStrictThreshold),
		maxDepth:  cfg.MaxDepth,
		detectors: detectors(),
	}
	if v.maxDepth <= 0 {
		v.maxDepth = DefaultMaxDepth
	}
	for _, t := range []float64{v.chat, v.strict} {
		if t < 0 || t > 1 {
			return nil, fmt.Errorf("new validator: threshold %v outside 0..1", t)
		}
	}
	for i := range v.modes {
		v.modes[i] = ModeBlock
	}
	for k, m := range cfg.Modes {
		i := kindIndex(k)
		if i < 0 {
			return nil, fmt.Errorf("new validator: unknown kind %q", k)
		}
		switch m {
		case ModeBlock, ModeFlag, ModeOff:
			v.modes[i] = m
		case "":
			v.modes[i] = ModeBlock
		default:
			return nil, fmt.Errorf("new validator: kind %s: unknown mode %q (want block, flag or off)", k, m)
		}
	}
	return v, nil
}

func orDefault(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}

func kindIndex(k scan.Kind) int {
	for i, x := range scan.InputKinds {
		if x == k {
			return i
		}
	}
	return -1
}

// threshold returns the score from which a finding counts in c. An unknown
// context is treated as [Chat].
func (v *Validator) threshold(c Context) float64 {
	if c == Strict {
		return v.strict
	}
	return v.chat
}

// Check judges one text in context c.
func (v *Validator) Check(text string, c Context) scan.Verdict {
	var r report
	v.checkText(&r, text, c, "")
	return r.verdict()
}

// checkText runs every detector on text and adds what counts to r.
func (v *Validator) checkText(r *report, text string, c Context, field string) {
	if text == "" {
		return
	}
	in := prepare(text)
	t := v.threshold(c)
	for _, d := range v.detectors {
		if v.modes[d.idx] == ModeOff {
			continue
		}
		score, detail := d.fn(in, c)
		if score >= t {
			r.add(v, d.kind, score, detail, field)
		}
	}
}

// report collects findings for one verdict.
type report struct {
	findings []scan.Finding
}

func (r *report) add(v *Validator, k scan.Kind, score float64, detail, field string) {
	m := v.modes[kindIndex(k)]
	if m == ModeOff {
		return
	}
	a := scan.Block
	if m == ModeFlag {
		a = scan.Flag
	}
	if score > 1 {
		score = 1
	}
	r.findings = append(r.findings, scan.Finding{
		Layer:  scan.LayerInput,
		Kind:   k,
		Score:  float64(int(score*100+0.5)) / 100,
		Detail: detail,
		Action: a,
		Field:  field,
	})
}

func (r *report) verdict() scan.Verdict {
	out := scan.Verdict{Allowed: true, Findings: r.findings}
	if out.Findings == nil {
		out.Findings = []scan.Finding{}
	}
	for _, f := range out.Findings {
		if f.Action == scan.Block {
			out.Allowed = false
		}
	}
	return out
}

var defaultValidator = sync.OnceValue(func() *Validator {
	v, err := New(Config{})
	if err != nil {
		panic(err) // the zero Config is always valid
	}
	return v
})

// IsSafe judges text in the [Chat] context with the default configuration,
// in the spirit of the design's InputValidator.is_safe(input). When the text
// is blocked the error names the kind, score and what matched.
func IsSafe(text string) (bool, error) {
	vd := defaultValidator().Check(text, Chat)
	if f, ok := vd.Blocking(); ok {
		return false, errors.New("input blocked: " + describe(f))
	}
	return true, nil
}

func describe(f scan.Finding) string {
	return fmt.Sprintf("%s (score %.2f): %s", f.Kind, f.Score, f.Detail)
}
