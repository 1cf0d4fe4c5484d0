package sandbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sandbox"
)

func TestPoolRunsAndCloses(t *testing.T) {
	needSandbox(t)
	p, err := sandbox.NewPool(2, shBinds, sandbox.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		res, err := p.Run(context.Background(), sandbox.Spec{
			Args:   []string{"/bin/sh", "-c", "ls /tmp /work; echo run > /tmp/x"},
			Limits: sandbox.Limits{CPU: time.Second},
		})
		if err != nil || res.Status != sandbox.StatusOK || string(res.Stdout) != "/tmp:\n\n/work:\n" {
			t.Fatalf("run %d: %v %v %q %q", i, err, res.Status, res.Stdout, res.Stderr)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(context.Background(), sandbox.Spec{Args: []string{"/bin/true"}}); err == nil {
		t.Error("a closed pool ran a program")
	}
}

func TestPoolSkipsDeadSandbox(t *testing.T) {
	needSandbox(t)
	p, err := sandbox.DeadPool(shBinds)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	res, err := p.Run(context.Background(), sandbox.Spec{
		Args: []string{"/bin/sh", "-c", "echo fine"}, Limits: sandbox.Limits{CPU: time.Second},
	})
	if err != nil || string(res.Stdout) != "fine\n" {
		t.Fatalf("run after a warm sandbox died: %v %q", err, res.Stdout)
	}
}

// TestPoolRefillsAfterRuns checks that every sandbox a run takes is
// replaced once the run has ended, and that the pool never holds more
// than its size.
func TestPoolRefillsAfterRuns(t *testing.T) {
	needSandbox(t)
	const size = 2
	p, err := sandbox.NewPool(size, shBinds, sandbox.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	waitWarm := func(when string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for p.Warm() < size {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d warm sandboxes after 10s, want %d", when, p.Warm(), size)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitWarm("new pool")
	for i := range 3 {
		res, err := p.Run(context.Background(), sandbox.Spec{
			Args: []string{"/bin/true"}, Limits: sandbox.Limits{CPU: time.Second},
		})
		if err != nil || res.Status != sandbox.StatusOK {
			t.Fatalf("run %d: %v %v", i, err, res.Status)
		}
		waitWarm("after a run")
	}
	time.Sleep(50 * time.Millisecond)
	if n := p.Warm(); n > size {
		t.Errorf("%d warm sandboxes, want at most %d", n, size)
	}
}
