package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/bulwarkhq/bulwark/script"
	"golang.org/x/term"
)

func runExec(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "", "language of the script: python, sh or node")
	timeout := fs.Duration("timeout", 30*time.Second, "CPU time limit (wall limit is twice that)")
	memory := fs.String("memory", "512MiB", "memory limit of the whole script, such as 256MiB or 1GiB")
	asJSON := fs.Bool("json", false, "print one JSON object with the outcome and exit 0")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: bulwark exec --lang python|sh|node [--timeout 30s] "+
			"[--memory 512MiB] [--json] FILE|-")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *lang == "" {
		fs.Usage()
		return 2
	}
	mem, err := parseMiB(*memory)
	if err != nil {
		errorf(stderr, "exec: --memory: %v", err)
		return 2
	}
	req, err := execRequest(fs.Arg(0), stdin)
	if err != nil {
		errorf(stderr, "exec: %v", err)
		return 2
	}
	req.Language, req.TimeoutS, req.MemoryLimitMB = *lang, timeout.Seconds(), mem

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := script.Exec(ctx, req)
	var reqErr *script.RequestError
	if errors.As(err, &reqErr) {
		errorf(stderr, "exec: %v", err)
		return 2
	}
	if err != nil {
		res.Status, res.Reason = "sandbox_error", err.Error()
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(res); err != nil {
			return 125
		}
		if res.Status == "sandbox_error" {
			return 125
		}
		return 0
	}
	io.WriteString(stdout, res.Stdout)
	io.WriteString(stderr, res.Stderr)
	for _, d := range res.Degraded {
		warnf(stderr, "exec: running without %s", d)
	}
	return execExit(res, stderr)
}

// execExit prints the one-line reason for an abnormal end and returns the
// exit code of `bulwark exec`.
func execExit(res script.Result, stderr io.Writer) int {
	switch res.Status {
	case "ok":
		return 0
	case "error":
		return res.ExitCode
	case "sandbox_error":
		errorf(stderr, "exec: sandbox failed: %s", res.Reason)
		hintf(stderr, "run 'bulwark doctor' to see what this machine supports")
		return 125
	case "timeout":
		errorf(stderr, "exec: timeout: %s", res.Reason)
		return 124
	}
	errorf(stderr, "exec: %s: %s", res.Status, res.Reason)
	if res.ExitCode > 0 {
		return res.ExitCode
	}
	return 137
}

// execRequest reads the code from FILE, or from standard input for "-".
// With a file, standard input goes to the script unless it is a terminal.
func execRequest(name string, stdin io.Reader) (script.Request, error) {
	const max = 1 << 20
	var req script.Request
	if name == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, max+1))
		if err != nil {
			return req, fmt.Errorf("read script: %w", err)
		}
		req.Code = string(b)
		return req, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return req, fmt.Errorf("read script: %w", err)
	}
	req.Code = string(b)
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return req, nil
	}
	in, err := io.ReadAll(io.LimitReader(stdin, max+1))
	if err != nil {
		return req, fmt.Errorf("read standard input: %w", err)
	}
	req.Stdin = string(in)
	return req, nil
}

// parseMiB parses a size such as 512MiB, 1GiB, 300M or 64 (MiB) into MiB.
func parseMiB(s string) (int, error) {
	units := []struct {
		suffix string
		mib    float64
	}{
		{"GiB", 1024}, {"MiB", 1}, {"KiB", 1.0 / 1024}, {"G", 1000 * 1000 * 1000 / 1048576.0},
		{"M", 1000 * 1000 / 1048576.0}, {"K", 1000 / 1048576.0}, {"", 1},
	}
	for _, u := range units {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || v <= 0 {
			return 0, fmt.Errorf("bad size %q", s)
		}
		return max(1, int(v*u.mib)), nil
	}
	return 0, fmt.Errorf("bad size %q", s)
}
