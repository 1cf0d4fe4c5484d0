package intent

import (
	"math"
	"math/rand/v2"

	"github.com/bulwarkhq/bulwark/scan"
)

// Example is one labelled message for the message head. Kind is one of
// [scan.IntentKinds] or "benign".
type Example struct {
	Text   string
	Kind   scan.Kind
	Weight float64 // 0 means 1
}

// LineExample is one labelled line for the line head: Attack is true for an
// instruction smuggled into a pasted document.
type LineExample struct {
	Text   string
	Attack bool
	Weight float64 // 0 means 1
}

// TrainConfig sets the optimiser. The zero value means the defaults.
type TrainConfig struct {
	Epochs int     // passes over the data; default 12
	Rate   float64 // AdaGrad learning rate; default 0.3
	L2     float64 // weight decay per update of a touched weight; default 1e-6
}

func (c TrainConfig) withDefaults() TrainConfig {
	if c.Epochs == 0 {
		c.Epochs = 12
	}
	if c.Rate == 0 {
		c.Rate = 0.3
	}
	if c.L2 == 0 {
		c.L2 = 1e-6
	}
	return c
}

// maxTrainWindows bounds the windows taken from one long training text, so a
// single 144k-character prompt does not outweigh the rest. At scoring time
// every window is read.
const maxTrainWindows = 6

type sample struct {
	fs []uint32
	y  int
	w  float32
}

// Train fits both heads by AdaGrad on the logistic loss. It is
// deterministic: the same examples in the same order give the same weights.
func Train(msgs []Example, lines []LineExample, cfg TrainConfig) *Model {
	cfg = cfg.withDefaults()
	var ms []sample
	for _, e := range msgs {
		y := classIndex(e.Kind)
		ws := windows(Normalize(e.Text))
		if len(ws) > maxTrainWindows {
			step := float64(len(ws)) / maxTrainWindows
			picked := make([]string, 0, maxTrainWindows)
			for i := range maxTrainWindows {
				picked = append(picked, ws[int(float64(i)*step)])
			}
			ws = picked
		}
		for _, w := range ws {
			ms = append(ms, sample{features(nil, w), y, weightOf(e.Weight)})
		}
	}
	var ls []sample
	for _, e := range lines {
		y := 0
		if e.Attack {
			y = 1
		}
		ls = append(ls, sample{features(nil, Normalize(e.Text)), y, weightOf(e.Weight)})
	}
	m := &Model{msg: make([]int16, msgBytes/2), line: make([]int16, lineBytes/2)}
	mw, mb := fitSoftmax(ms, cfg)
	for c := range nClasses {
		m.msgBias[c] = mb[c]
		m.msgScale[c] = quantize(mw, nClasses, c, m.msg)
	}
	lw, lb := fitLogistic(ls, cfg)
	m.lineBias = lb
	m.lineScl = quantize(lw, 1, 0, m.line)
	return m
}

func weightOf(w float64) float32 {
	if w == 0 {
		return 1
	}
	return float32(w)
}

func classIndex(k scan.Kind) int {
	for i, c := range classes {
		if c == k {
			return i
		}
	}
	return 0
}

// order returns a fixed pseudo-random permutation for one epoch.
func order(n, epoch int) []int {
	r := rand.New(rand.NewPCG(0x5eed, uint64(epoch)))
	return r.Perm(n)
}

func fitSoftmax(ss []sample, cfg TrainConfig) ([]float32, [nClasses]float32) {
	w := make([]float32, (1<<Bits)*nClasses)
	g := make([]float32, len(w))
	var b, gb [nClasses]float32
	rate, l2 := float32(cfg.Rate), float32(cfg.L2)
	for ep := range cfg.Epochs {
		for _, i := range order(len(ss), ep) {
			s := ss[i]
			inv := float32(1 / math.Sqrt(float64(max(len(s.fs), 1))))
			var z [nClasses]float64
			for _, f := range s.fs {
				for c := range nClasses {
					z[c] += float64(w[int(f)*nClasses+c] * inv)
				}
			}
			for c := range nClasses {
				z[c] += float64(b[c])
			}
			p := softmax(z)
			for c := range nClasses {
				d := float32(p[c]) * s.w
				if c == s.y {
					d -= s.w
				}
				gb[c] += d * d
				b[c] -= rate * d / float32(math.Sqrt(float64(gb[c])+1e-8))
				gd := d * inv
				for _, f := range s.fs {
					j := int(f)*nClasses + c
					g[j] += gd * gd
					w[j] -= rate*gd/float32(math.Sqrt(float64(g[j])+1e-8)) + l2*w[j]
				}
			}
		}
	}
	return w, b
}

func fitLogistic(ss []sample, cfg TrainConfig) ([]float32, float32) {
	w := make([]float32, 1<<Bits)
	g := make([]float32, len(w))
	var b, gb float32
	rate, l2 := float32(cfg.Rate), float32(cfg.L2)
	for ep := range cfg.Epochs {
		for _, i := range order(len(ss), ep) {
			s := ss[i]
			inv := float32(1 / math.Sqrt(float64(max(len(s.fs), 1))))
			z := float64(b)
			for _, f := range s.fs {
				z += float64(w[f] * inv)
			}
			d := (float32(sigmoid(z)) - float32(s.y)) * s.w
			gb += d * d
			b -= rate * d / float32(math.Sqrt(float64(gb)+1e-8))
			gd := d * inv
			for _, f := range s.fs {
				g[f] += gd * gd
				w[f] -= rate*gd/float32(math.Sqrt(float64(g[f])+1e-8)) + l2*w[f]
			}
		}
	}
	return w, b
}
