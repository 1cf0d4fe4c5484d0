package main

import "io"

// TODO: doctor reports kernel features once the sandbox probes them (issue 3).
func runDoctor(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	errorf(stderr, "doctor: not built yet")
	return 1
}
