package intent

import (
	"path/filepath"

	"github.com/bulwarkhq/bulwark/scan"
)

// Build is the whole training run of `bulwark intent train`: read
// train.jsonl and dev.jsonl from dataDir and the augmentation rows from
// augPath, train the model, tune thresholds on dev (allow benign dev rows
// above the thresholds in all) and score dev with the result.
func Build(dataDir, augPath string, budget int) (*Model, *Detector, []Scored, error) {
	trainRows, trainSum, err := ReadRows(filepath.Join(dataDir, "train.jsonl"))
	if err != nil {
		return nil, nil, nil, err
	}
	devRows, devSum, err := ReadRows(filepath.Join(dataDir, "dev.jsonl"))
	if err != nil {
		return nil, nil, nil, err
	}
	augRows, augSum, err := ReadRows(augPath)
	if err != nil {
		return nil, nil, nil, err
	}
	msgs, lines := TrainingSet(trainRows, augRows)
	m := Train(msgs, lines, TrainConfig{})
	info := ModelInfo{
		DataSHA256: trainSum, DevSHA256: devSum, AugSHA256: augSum, Bits: Bits,
		TrainRows: len(trainRows), AugmentRows: len(augRows),
		Examples: len(msgs), LineExs: len(lines),
	}
	// Score dev with every threshold at 1, so that no shortcut taken once a
	// kind is reported changes the scores that tuning sees.
	all := map[scan.Kind]float64{}
	for _, k := range kinds {
		all[k] = 1
	}
	d, err := NewWithModel(Config{Thresholds: all}, m, info)
	if err != nil {
		return nil, nil, nil, err
	}
	scored := d.ScoreRows(devRows)
	d.info.Thresholds = d.Tune(scored, budget)
	d.info.Dev = d.Evaluate(scored)
	return m, d, scored, nil
}
