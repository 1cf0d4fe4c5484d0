// Command bulwark is a security gateway for AI-assistant backends: it checks
// input for injections and prompts for hijack attempts, protects sessions
// against CSRF, and runs untrusted scripts in a sandbox.
//
// Usage:
//
//	bulwark serve [--addr 127.0.0.1:8080] [--upstream URL] [--config FILE]
//	bulwark user add --file FILE NAME
//	bulwark exec --lang python|sh|node [--timeout 30s] [--memory 512MiB] [--json] FILE|-
//	bulwark scan [--layers input,intent] [--jsonl] [TEXT]
//	bulwark doctor
//	bulwark intent train
//
// Run "bulwark help COMMAND" for the flags of one command.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/bulwarkhq/bulwark/sandbox"
)

// command is one subcommand. run returns the process exit code.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands lists every subcommand, in the order help shows them.
func commands() []command {
	return []command{
		{"serve", "run the security gateway", runServe},
		{"user", "manage the users file (user add --file FILE NAME)", runUser},
		{"exec", "run one script in the sandbox", runExec},
		{"scan", "judge text with the input and intent layers", runScan},
		{"doctor", "say which protections this machine supports", runDoctor},
		{"intent", "train the embedded intent model (intent train)", runIntent},
	}
}

func main() {
	if sandbox.IsInit() {
		sandbox.InitMain()
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		return 2
	}
	name := args[0]
	if name == "help" {
		if len(args) < 2 {
			usage(stdout)
			return 0
		}
		name, args = args[1], []string{args[1], "-h"}
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	errorf(stderr, "unknown command %q", name)
	hintf(stderr, "run 'bulwark help' for the list of commands")
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: bulwark COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}

// errorf prints an error line the way every subcommand does.
func errorf(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "bulwark: error: "+format+"\n", a...)
}

// warnf prints a warning line.
func warnf(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "bulwark: warning: "+format+"\n", a...)
}

// hintf prints a line that says what to do about the error before it.
func hintf(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "bulwark: hint: "+format+"\n", a...)
}

// errUsage marks a command-line mistake: the command exits 2.
var errUsage = errors.New("usage")
