package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bulwarkhq/bulwark/script"
)

func TestParseMiB(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"512MiB", 512, true}, {"1GiB", 1024, true}, {"64", 64, true},
		{"300M", 286, true}, {"2048KiB", 2, true}, {"1K", 1, true},
		{"", 0, false}, {"-5MiB", 0, false}, {"lots", 0, false}, {"0", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseMiB(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("parseMiB(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestExecExit(t *testing.T) {
	tests := []struct {
		name   string
		res    script.Result
		code   int
		reason string
	}{
		{"ok", script.Result{Status: "ok"}, 0, ""},
		{"error", script.Result{Status: "error", ExitCode: 3}, 3, ""},
		{"timeout", script.Result{Status: "timeout", ExitCode: 137, Reason: "time limit"},
			124, "timeout: time limit"},
		{"sandbox", script.Result{Status: "sandbox_error", Reason: "pivot_root: EPERM"},
			125, "sandbox failed: pivot_root: EPERM"},
		{"signal", script.Result{Status: "killed", ExitCode: 159, Reason: "killed by SIGSYS"},
			159, "killed: killed by SIGSYS"},
		{"memory", script.Result{Status: "memory_limit", ExitCode: 137, Reason: "memory"},
			137, "memory_limit: memory"},
		{"output", script.Result{Status: "output_limit", Reason: "output"}, 137, "output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := execExit(tc.res, &stderr); code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if !strings.Contains(stderr.String(), tc.reason) ||
				(tc.reason == "") != (stderr.Len() == 0) {
				t.Errorf("stderr %q, want a line with %q", stderr.String(), tc.reason)
			}
		})
	}
}
