package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/sandbox"
)

// TestMain lets the test binary stand in for bulwark: with
// BULWARK_TEST_AS_MAIN=1 it runs main() instead of the tests, so the CLI
// tests run the real command, signals and exit codes included, without a
// separate build.
func TestMain(m *testing.M) {
	if sandbox.IsInit() { // the sandbox re-executes this binary as its init
		sandbox.InitMain()
	}
	if os.Getenv("BULWARK_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// cli is one run of the bulwark command.
type cli struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// bulwark prepares the command in dir with env added to a minimal
// environment (no SESSION_SECRET_KEY or REDIS_URL leaks in from the host).
func bulwark(t *testing.T, dir string, env []string, stdin string, args ...string) *cli {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"BULWARK_TEST_AS_MAIN=1", "PATH=" + os.Getenv("PATH"), "HOME=" + dir}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	c := &cli{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = c.stdout, c.stderr
	return c
}

// run runs the command to its end and returns its exit code.
func (c *cli) run(t *testing.T) int {
	t.Helper()
	err := c.cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("run bulwark: %v", err)
	}
	return 0
}

// start starts a server and waits for its "listening on" line; it returns
// the base URL. The server is killed at the end of the test if still up.
func (c *cli) start(t *testing.T) string {
	t.Helper()
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		sc := bufio.NewScanner(strings.NewReader(c.stdout.String()))
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "listening on "); ok {
				return strings.Fields(rest)[0]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server did not start:\nstdout: %s\nstderr: %s", c.stdout, c.stderr)
	return ""
}

// stop sends SIGTERM and returns the exit code.
func (c *cli) stop(t *testing.T) int {
	t.Helper()
	c.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return 0
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		t.Fatal("server did not stop within 30s of SIGINT")
	}
	return -1
}

var _ io.Writer = (*syncBuffer)(nil)
