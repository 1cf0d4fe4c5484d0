package main

import "io"

// TODO: scan arrives with the validate and intent packages (issues 4 and 5).
func runScan(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	errorf(stderr, "scan: not built yet")
	return 1
}
