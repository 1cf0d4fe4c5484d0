package main

import (
	"context"
	"fmt"

	"github.com/bulwarkhq/bulwark/scan"
	"github.com/bulwarkhq/bulwark/validate"
)

// newInputLayer returns the input-validation layer judging text in the
// named context (chat or strict) with the default configuration.
func newInputLayer(inputCtx string) (layerFunc, error) {
	c := validate.Context(inputCtx)
	if c != validate.Chat && c != validate.Strict {
		return nil, fmt.Errorf("unknown --context %q (want chat or strict)", inputCtx)
	}
	v, err := validate.New(validate.Config{})
	if err != nil {
		return nil, err
	}
	return func(_ context.Context, text string) scan.Verdict {
		return v.Check(text, c)
	}, nil
}
