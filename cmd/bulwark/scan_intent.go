package main

import "errors"

// TODO: the intent layer arrives with the intent package (issue 5).
func newIntentLayer() (layerFunc, error) {
	return nil, errors.New("the intent layer is not built yet")
}
