package intent

import (
	"cmp"
	"slices"

	"github.com/bulwarkhq/bulwark/scan"
)

// ModelInfo records where the embedded model came from and what it reached.
// It is written next to the weights by `bulwark intent train`.
type ModelInfo struct {
	DataSHA256  string                `json:"data_sha256"` // sha256 of train.jsonl
	DevSHA256   string                `json:"dev_sha256"`
	AugSHA256   string                `json:"augment_sha256"` // sha256 of testdata/augment.jsonl
	Bits        int                   `json:"bits"`
	TrainRows   int                   `json:"train_rows"`
	AugmentRows int                   `json:"augment_rows"`
	Examples    int                   `json:"message_examples"`
	LineExs     int                   `json:"line_examples"`
	Thresholds  map[scan.Kind]float64 `json:"thresholds"`
	Dev         map[string]Count      `json:"dev"` // figures on dev.jsonl by group
}

// Count holds detection figures for one group of rows.
type Count struct {
	Attacks  int `json:"attacks"`
	Detected int `json:"detected"`
	Benign   int `json:"benign"`
	FalsePos int `json:"false_positives"`
}

// Recall is the share of attacks detected.
func (c Count) Recall() float64 { return ratio(c.Detected, c.Attacks) }

// FPR is the share of benign rows flagged.
func (c Count) FPR() float64 { return ratio(c.FalsePos, c.Benign) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Scored is one row with its analysis.
type Scored struct {
	Row      Row
	Analysis Analysis
}

// ScoreRows scores every row (no judge, no modes).
func (d *Detector) ScoreRows(rows []Row) []Scored {
	out := make([]Scored, len(rows))
	for i, r := range rows {
		out[i] = Scored{r, d.Score(r.Text)}
	}
	return out
}

// flagged reports whether any kind reaches its threshold.
func (d *Detector) flagged(a Analysis) bool {
	for i := range kinds {
		if a.Scores[i] >= d.thresholds[i] {
			return true
		}
	}
	return false
}

// Evaluate counts detections and false positives overall ("all") and by
// "source:", "kind:", "lang:" and "group:" of the rows.
func (d *Detector) Evaluate(scored []Scored) map[string]Count {
	out := map[string]Count{}
	for _, s := range scored {
		hit := d.flagged(s.Analysis)
		keys := []string{"all", "kind:" + string(s.Row.Kind)}
		extra := [][2]string{
			{"source:", s.Row.Source}, {"lang:", s.Row.Lang}, {"group:", s.Row.Group},
		}
		for _, kv := range extra {
			if kv[1] != "" {
				keys = append(keys, kv[0]+kv[1])
			}
		}
		for _, k := range keys {
			c := out[k]
			if s.Row.Attack() {
				c.Attacks++
				if hit {
					c.Detected++
				}
			} else {
				c.Benign++
				if hit {
					c.FalsePos++
				}
			}
			out[k] = c
		}
	}
	return out
}

// Misses returns the attacks not detected and the benign rows flagged.
func (d *Detector) Misses(scored []Scored) (missed, falsePos []Scored) {
	for _, s := range scored {
		switch hit := d.flagged(s.Analysis); {
		case s.Row.Attack() && !hit:
			missed = append(missed, s)
		case !s.Row.Attack() && hit:
			falsePos = append(falsePos, s)
		}
	}
	return missed, falsePos
}

// Threshold bounds used by Tune. The floors keep the model alone, which
// learnt from narrow data, from flagging messages that merely talk about
// instructions or system prompts; jailbreaks have the most training data and
// the best-calibrated scores, so their floor is lower.
var minThreshold = [len(kinds)]float64{0.8, 0.7, 0.8}

const maxThreshold = 0.99

// Tune chooses the thresholds on development data: among the ways of letting
// at most budget benign rows through in all (spread over the kinds), it takes
// the one with the best recall, then the fewest false positives. Each kind's
// threshold sits just above the benign score it must stay over, between the
// kind's floor and 0.99. Tune sets and returns the thresholds.
func (d *Detector) Tune(scored []Scored, budget int) map[scan.Kind]float64 {
	var benign [len(kinds)][]float64
	for _, s := range scored {
		if !s.Row.Attack() {
			for i := range kinds {
				benign[i] = append(benign[i], s.Analysis.Scores[i])
			}
		}
	}
	for i := range benign {
		slices.SortFunc(benign[i], func(a, b float64) int { return cmp.Compare(b, a) })
	}
	at := func(i, allow int) float64 {
		t := minThreshold[i]
		if allow < len(benign[i]) {
			t = max(t, benign[i][allow]+0.01)
		}
		return min(t, maxThreshold)
	}
	best, bestC := [len(kinds)]float64{}, Count{Detected: -1}
	for a := 0; a <= budget; a++ {
		for b := 0; a+b <= budget; b++ {
			for c := 0; a+b+c <= budget; c++ {
				d.thresholds = [len(kinds)]float64{at(0, a), at(1, b), at(2, c)}
				cs := d.Evaluate(scored)["all"]
				if cs.FalsePos > budget {
					continue
				}
				better := cs.Detected > bestC.Detected ||
					cs.Detected == bestC.Detected && cs.FalsePos < bestC.FalsePos
				if better {
					best, bestC = d.thresholds, cs
				}
			}
		}
	}
	d.thresholds = best
	out := map[scan.Kind]float64{}
	for i, k := range kinds {
		out[k] = best[i]
	}
	return out
}
