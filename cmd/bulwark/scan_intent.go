package main

import (
	"context"

	"github.com/bulwarkhq/bulwark/intent"
	"github.com/bulwarkhq/bulwark/scan"
)

// newIntentLayer returns the intent layer with the embedded model, every kind
// blocking at its tuned threshold and no LLM judge.
func newIntentLayer() (layerFunc, error) {
	d, err := intent.New(intent.Config{})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, text string) scan.Verdict {
		return d.Check(ctx, text)
	}, nil
}
