package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/bulwarkhq/bulwark/auth"
)

func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		errorf(stderr, "user: want 'bulwark user add --file FILE NAME'")
		return 2
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("file", defaultUsersFile, "users file to create or update")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bulwark user add [--file FILE] NAME  (password on standard input)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	name := fs.Arg(0)
	if err := auth.ValidName(name); err != nil {
		errorf(stderr, "user add: %v", err)
		return 2
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		errorf(stderr, "user add: read password: %v", err)
		return 1
	}
	if err := auth.Add(*file, name, password); err != nil {
		errorf(stderr, "user add: %v", err)
		return 1
	}
	fmt.Fprintf(stdout, "user %s saved in %s\n", name, *file)
	return 0
}

// readPassword reads a password from a terminal without echo, asking twice,
// or else the first line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", fmt.Errorf("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
