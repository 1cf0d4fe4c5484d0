package intent

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/bulwarkhq/bulwark/scan"
)

// classes are the outputs of the message model, in weight order. Index 0 is
// benign.
var classes = [...]scan.Kind{
	"benign", scan.PromptInjection, scan.Jailbreak, scan.SystemManipulation,
}

const nClasses = len(classes)

// modelMagic starts a weights file; the digit is the format version.
const modelMagic = "BWIM1"

// Model is a trained linear model over hashed features with two heads: a
// message head (softmax over benign and the three kinds) and a line head
// (logistic: is this line of a pasted document an instruction smuggled into
// it). Weights are int16 with one scale per head and class.
type Model struct {
	msgBias  [nClasses]float32
	msgScale [nClasses]float32
	msg      []int16 // bucket-major: nClasses weights per bucket
	lineBias float32
	lineScl  float32
	line     []int16 // one weight per bucket
}

const (
	headerSize = len(modelMagic) + 1 + (2*nClasses+2)*4
	msgBytes   = (1 << Bits) * nClasses * 2
	lineBytes  = (1 << Bits) * 2
)

// parseModel reads a weights file without copying the weights.
func parseModel(b []byte) (*Model, error) {
	if len(b) != headerSize+msgBytes+lineBytes {
		want := headerSize + msgBytes + lineBytes
		return nil, fmt.Errorf("parse model: size %d, want %d", len(b), want)
	}
	if string(b[:len(modelMagic)]) != modelMagic || b[len(modelMagic)] != Bits {
		return nil, errors.New("parse model: not a bulwark intent model of this version")
	}
	m := &Model{}
	p := len(modelMagic) + 1
	f := func() float32 {
		v := math.Float32frombits(binary.LittleEndian.Uint32(b[p:]))
		p += 4
		return v
	}
	for c := range nClasses {
		m.msgBias[c], m.msgScale[c] = f(), f()
	}
	m.lineBias, m.lineScl = f(), f()
	m.msg = int16s(b[p : p+msgBytes])
	m.line = int16s(b[p+msgBytes:])
	return m, nil
}

// int16s decodes little-endian int16 values.
func int16s(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}

// appendInt16s encodes int16 values little-endian.
func appendInt16s(b []byte, v []int16) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, uint16(x))
	}
	return b
}

// ParseModel reads a weights file as written by [Model.MarshalBinary].
func ParseModel(b []byte) (*Model, error) { return parseModel(b) }

// MarshalBinary returns the weights file: a header with biases and scales,
// then the int16 weights of both heads.
func (m *Model) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, headerSize+msgBytes+lineBytes)
	b = append(b, modelMagic...)
	b = append(b, Bits)
	f := func(v float32) { b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v)) }
	for c := range nClasses {
		f(m.msgBias[c])
		f(m.msgScale[c])
	}
	f(m.lineBias)
	f(m.lineScl)
	b = appendInt16s(b, m.msg)
	return appendInt16s(b, m.line), nil
}

func (m *Model) msgWeight(bucket uint32, c int) float32 {
	return float32(m.msg[int(bucket)*nClasses+c]) * m.msgScale[c]
}

// messageProbs returns the class probabilities of one window's features.
func (m *Model) messageProbs(fs []uint32) [nClasses]float64 {
	var z [nClasses]float64
	if len(fs) > 0 {
		var s0, s1, s2, s3 int32
		for _, f := range fs {
			w := m.msg[int(f)*nClasses : int(f)*nClasses+nClasses : int(f)*nClasses+nClasses]
			s0 += int32(w[0])
			s1 += int32(w[1])
			s2 += int32(w[2])
			s3 += int32(w[3])
		}
		sum := [nClasses]float32{float32(s0), float32(s1), float32(s2), float32(s3)}
		inv := 1 / math.Sqrt(float64(len(fs)))
		for c := range nClasses {
			z[c] = float64(sum[c]*m.msgScale[c]) * inv
		}
	}
	for c := range nClasses {
		z[c] += float64(m.msgBias[c])
	}
	return softmax(z)
}

// lineProb returns the probability that one line is a smuggled instruction.
func (m *Model) lineProb(fs []uint32) float64 {
	z := float64(m.lineBias)
	if len(fs) > 0 {
		var sum int32
		for _, f := range fs {
			sum += int32(m.line[f])
		}
		z += float64(float32(sum)*m.lineScl) / math.Sqrt(float64(len(fs)))
	}
	return sigmoid(z)
}

func softmax(z [nClasses]float64) [nClasses]float64 {
	mx := z[0]
	for _, v := range z[1:] {
		mx = max(mx, v)
	}
	var p [nClasses]float64
	var sum float64
	for c := range z {
		p[c] = math.Exp(z[c] - mx)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
	return p
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// quantize turns float weights into int16 with one scale.
func quantize(w []float32, stride, off int, dst []int16) float32 {
	var mx float32
	for i := off; i < len(w); i += stride {
		mx = max(mx, float32(math.Abs(float64(w[i]))))
	}
	if mx == 0 {
		return 1
	}
	scale := mx / 32767
	for i := off; i < len(w); i += stride {
		dst[i] = int16(math.Round(float64(w[i] / scale)))
	}
	return scale
}
