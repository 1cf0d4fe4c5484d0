package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bulwarkhq/bulwark/intent"
)

// runIntent dispatches `bulwark intent SUBCOMMAND`.
func runIntent(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "train" {
		errorf(stderr, "intent: want a subcommand: train")
		hintf(stderr, "run 'bulwark intent train -h' for its flags")
		return 2
	}
	return runIntentTrain(args[1:], stdout, stderr)
}

// runIntentTrain trains the embedded intent model from train.jsonl and the
// package's own augmentation rows, tunes the thresholds on dev.jsonl and
// writes intent/model/weights.bin and intent/model/info.json.
func runIntentTrain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("intent train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "",
		"directory holding train.jsonl and dev.jsonl "+
			"(default ../shared/data/intent from the repository root)")
	out := fs.String("out", "",
		"directory to write weights.bin and info.json (default intent/model in the repository)")
	allow := fs.Int("fp-budget", 2,
		"benign dev rows allowed above the thresholds in all when tuning")
	verbose := fs.Bool("v", false, "print the dev misses and false positives")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	root, err := moduleRoot()
	if err != nil && (*data == "" || *out == "") {
		errorf(stderr, "intent train: %v", err)
		hintf(stderr, "run it inside the repository or pass --data and --out")
		return 2
	}
	if *data == "" {
		*data = filepath.Join(root, "..", "shared", "data", "intent")
	}
	if *out == "" {
		*out = filepath.Join(root, "intent", "model")
	}
	aug := filepath.Join(root, "intent", "testdata", "augment.jsonl")
	if root == "" {
		aug = filepath.Join(*out, "..", "testdata", "augment.jsonl")
	}
	if err := trainIntent(*data, aug, *out, *allow, *verbose, stdout); err != nil {
		errorf(stderr, "intent train: %v", err)
		return 1
	}
	return 0
}

// trainIntent runs intent.Build and writes the model files to outDir.
func trainIntent(dataDir, augPath, outDir string, budget int, verbose bool,
	stdout io.Writer) error {
	m, d, scored, err := intent.Build(dataDir, augPath, budget)
	if err != nil {
		return err
	}
	info := d.Info()
	weights, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	meta, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	weightsPath := filepath.Join(outDir, "weights.bin")
	infoPath := filepath.Join(outDir, "info.json")
	if err := os.WriteFile(weightsPath, weights, 0o644); err != nil {
		return fmt.Errorf("write weights: %w", err)
	}
	if err := os.WriteFile(infoPath, append(meta, '\n'), 0o644); err != nil {
		return fmt.Errorf("write model info: %w", err)
	}
	fmt.Fprintf(stdout, "data sha256 %s, %d message and %d line examples\n",
		info.DataSHA256, info.Examples, info.LineExs)
	fmt.Fprintf(stdout, "thresholds: %v\n", info.Thresholds)
	printCounts(stdout, info.Dev)
	if verbose {
		missed, fps := d.Misses(scored)
		for _, s := range missed {
			fmt.Fprintf(stdout, "MISS %s %s %.2f %q\n",
				s.Row.ID, s.Row.Kind, s.Analysis.Scores, oneLine(s.Row.Text, 160))
		}
		for _, s := range fps {
			fmt.Fprintf(stdout, "FP   %s %.2f %q\n",
				s.Row.ID, s.Analysis.Scores, oneLine(s.Row.Text, 160))
		}
	}
	return nil
}

// printCounts writes one line per group: recall and false-positive rate.
func printCounts(w io.Writer, cs map[string]intent.Count) {
	keys := make([]string, 0, len(cs))
	for k := range cs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "%-36s %8s %8s %8s %8s\n", "group", "attacks", "recall", "benign", "fp")
	for _, k := range keys {
		c := cs[k]
		fmt.Fprintf(w, "%-36s %8d %7.1f%% %8d %7.1f%%\n",
			k, c.Attacks, 100*c.Recall(), c.Benign, 100*c.FPR())
	}
}

// oneLine collapses whitespace in s and cuts it to n bytes, for listings.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n]
	}
	return s
}

// moduleRoot finds the bulwark module root above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/bulwarkhq/bulwark\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the bulwark repository")
		}
		dir = parent
	}
}
