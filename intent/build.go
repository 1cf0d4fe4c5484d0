package intent

import "path/filepath"

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
	d, err := NewWithModel(Config{}, m, info)
	if err != nil {
		return nil, nil, nil, err
	}
	scored := d.ScoreRows(devRows)
	d.info.Thresholds = d.Tune(scored, budget)
	d.info.Dev = d.Evaluate(scored)
	return m, d, scored, nil
}
