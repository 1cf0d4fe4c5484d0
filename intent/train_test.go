package intent

import (
	"bytes"
	"path/filepath"
	"testing"
)

// TestTrainDeterministic trains twice on the same rows and wants the same
// weights file, byte for byte.
func TestTrainDeterministic(t *testing.T) {
	aug := readRows(t, filepath.Join("testdata", "augment.jsonl"))
	msgs, lines := TrainingSet(aug[:60], aug[60:])
	cfg := TrainConfig{Epochs: 3}
	a, _ := Train(msgs, lines, cfg).MarshalBinary()
	b, _ := Train(msgs, lines, cfg).MarshalBinary()
	if !bytes.Equal(a, b) {
		t.Fatal("two training runs on the same data gave different weights")
	}
	m, err := ParseModel(a)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := m.MarshalBinary()
	if !bytes.Equal(a, c) {
		t.Fatal("weights changed in a parse and marshal round trip")
	}
}

// TestEmbeddedModelMatchesData checks that the shipped weights were trained
// on the data set present next to the repository, as recorded in info.json.
func TestEmbeddedModelMatchesData(t *testing.T) {
	d := embedded(t)
	info := d.Info()
	_, sum, err := ReadRows(filepath.Join(sharedData, "train.jsonl"))
	if err != nil {
		t.Skipf("shared data set missing (%v); it is needed to check the data version", err)
	}
	if info.DataSHA256 != sum {
		t.Errorf("model trained on train.jsonl %s, data here is %s: run bulwark intent train", info.DataSHA256, sum)
	}
	_, aug, err := ReadRows(filepath.Join("testdata", "augment.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if info.AugSHA256 != aug {
		t.Errorf("model trained on augment.jsonl %s, file here is %s: run bulwark intent train", info.AugSHA256, aug)
	}
	for _, k := range kinds {
		if info.Thresholds[k] != d.Threshold(k) || d.Threshold(k) < 0.5 {
			t.Errorf("threshold for %s: info %v, detector %v", k, info.Thresholds[k], d.Threshold(k))
		}
	}
}

func TestParseModelRejects(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":     nil,
		"short":     []byte(modelMagic),
		"bad magic": append([]byte("XXXXX"), embeddedWeights[5:]...),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseModel(b); err == nil {
				t.Error("ParseModel accepted a bad file")
			}
		})
	}
}
