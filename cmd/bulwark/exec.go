package main

import "io"

// TODO: the sandbox is being built (issue 3); until then exec refuses to run
// anything rather than run a script unsandboxed.
func runExec(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	errorf(stderr, "exec: the sandbox is not built yet")
	return 125
}
