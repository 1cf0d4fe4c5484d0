package main

import "io"

// TODO: users file management arrives with the auth package (issue 2).
func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	errorf(stderr, "user: not built yet")
	return 1
}
