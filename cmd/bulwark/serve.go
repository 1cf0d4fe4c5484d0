package main

import "io"

// TODO: the gateway arrives with issue 2.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	errorf(stderr, "serve: not built yet")
	return 1
}
