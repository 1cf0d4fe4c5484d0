package main

import "io"

// TODO: training of the embedded intent model arrives with issue 5.
func runIntent(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	errorf(stderr, "intent: not built yet")
	return 1
}
