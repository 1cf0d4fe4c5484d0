//go:build linux

package script_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwarkhq/bulwark/script"
)

func TestDaemonDiesWithRun(t *testing.T) {
	code := `import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(0.3)
        with open("/work/late", "w") as f: f.write("still here")
        print("daemon wrote", flush=True)
        time.sleep(30)
    os._exit(0)
print("parent done")
`
	res := run(t, script.Request{Language: "python", Code: code, TimeoutS: 5})
	expectStatus(t, res, "ok")
	if res.Stdout != "parent done\n" || res.WallMS > 2000 {
		t.Errorf("stdout %q after %d ms: the run waited for its daemon", res.Stdout, res.WallMS)
	}
	time.Sleep(500 * time.Millisecond) // the daemon would have written by now
	if err := leftovers(true); err != nil {
		t.Errorf("after the run: %v", err)
	}
}

// leakProbe leaves marks behind and reports marks of earlier runs.
const leakProbe = `import os, subprocess
seen = [p for p in ["/tmp/mark", "/work/mark", "/dev/shm/mark"] if os.path.exists(p)]
pids = [d for d in os.listdir("/proc") if d.isdigit()]
print("seen", seen, "procs", len(pids) <= 3)
open("/tmp/mark", "w").close()
open("/work/mark", "w").close()
subprocess.Popen(["/bin/sh", "-c", "sleep 30"], start_new_session=True)
`

func TestNoStateBetweenRuns(t *testing.T) {
	runner(t)
	tests := []struct {
		name string
		run  func() (script.Result, error)
	}{
		{"warm pool", func() (script.Result, error) {
			return shared.Run(context.Background(),
				script.Request{Language: "python", Code: leakProbe, TimeoutS: 2})
		}},
		{"fresh sandbox", func() (script.Result, error) {
			return script.Exec(context.Background(),
				script.Request{Language: "python", Code: leakProbe, TimeoutS: 2})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := range 3 {
				res, err := tc.run()
				if err != nil {
					t.Fatal(err)
				}
				expectStatus(t, res, "ok")
				if res.Stdout != "seen [] procs True\n" {
					t.Errorf("run %d: %q, stderr %q", i, res.Stdout, res.Stderr)
				}
			}
		})
	}
}

func TestNormalScripts(t *testing.T) {
	tests := []struct {
		name, lang, code, stdin, stdout string
		exit                            int
	}{
		{"python echo", "python", "import sys\nprint('got', sys.stdin.read().strip())",
			"hello", "got hello\n", 0},
		{"python exit", "python", "import sys\nprint('bye')\nsys.exit(3)", "", "bye\n", 3},
		{"sh echo", "sh", "read x; echo \"got $x\"; ls / | tr '\\n' ' '", "hello",
			"got hello\nbin dev etc lib lib64 proc root sbin tmp usr work ", 0},
		{"sh exit", "sh", "echo bye; exit 5", "", "bye\n", 5},
		{"node echo", "node",
			"let d = ''; process.stdin.on('data', c => d += c);\n" +
				"process.stdin.on('end', () => console.log('got', d.trim()));",
			"hello", "got hello\n", 0},
		{"node exit", "node", "console.log('bye'); process.exit(4)", "", "bye\n", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, script.Request{Language: tc.lang, Code: tc.code, Stdin: tc.stdin})
			want := "ok"
			if tc.exit != 0 {
				want = "error"
			}
			expectStatus(t, res, want)
			if res.Stdout != tc.stdout || res.ExitCode != tc.exit {
				t.Errorf("stdout %q exit %d, want %q %d (stderr %q)",
					res.Stdout, res.ExitCode, tc.stdout, tc.exit, res.Stderr)
			}
		})
	}
}

func TestAccounting(t *testing.T) {
	tests := []struct {
		lang, code string
		minKB      int64
	}{
		{"python", "import time\nt = time.process_time()\nb = b'x' * (32 << 20)\n" +
			"while time.process_time() - t < 0.3: pass", 32 << 10},
		{"sh", "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done", 100},
		{"node", "const b = Buffer.alloc(32 << 20, 1); const t = process.cpuUsage();\n" +
			"while (process.cpuUsage(t).user < 300000) {}", 32 << 10},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			res := run(t, script.Request{Language: tc.lang, Code: tc.code, TimeoutS: 5})
			expectStatus(t, res, "ok")
			if res.CPUMS < 100 || res.WallMS < res.CPUMS/2 || res.MaxRSSKB < tc.minKB ||
				res.MaxRSSKB > 256<<10 {
				t.Errorf("cpu_ms %d wall_ms %d max_rss_kb %d (want at least %d)",
					res.CPUMS, res.WallMS, res.MaxRSSKB, tc.minKB)
			}
		})
	}
}

// TestAccountingOnTimeout checks that a run the sandbox kills still
// reports its memory: a shell loop is smaller than the kernel's batches of
// memory charges, so the figure comes from the program's own peak.
func TestAccountingOnTimeout(t *testing.T) {
	res := run(t, script.Request{Language: "sh", Code: "while :; do :; done", TimeoutS: 0.5})
	expectStatus(t, res, "timeout")
	if res.MaxRSSKB < 100 || res.MaxRSSKB > 256<<10 {
		t.Errorf("max_rss_kb %d, want a shell's few hundred KiB", res.MaxRSSKB)
	}
}

func TestRequestErrors(t *testing.T) {
	r := runner(t)
	tests := []struct {
		name  string
		req   script.Request
		field string
	}{
		{"unknown language", script.Request{Language: "ruby", Code: "1"}, "language"},
		{"timeout over max", script.Request{Language: "sh", TimeoutS: 3600}, "timeout_s"},
		{"negative timeout", script.Request{Language: "sh", TimeoutS: -1}, "timeout_s"},
		{"memory over max", script.Request{Language: "sh", MemoryLimitMB: 1 << 20},
			"memory_limit_mb"},
		{"code too big", script.Request{Language: "sh", Code: strings.Repeat("#", 1<<20)}, "code"},
		{"stdin too big", script.Request{Language: "sh", Stdin: strings.Repeat("x", 2<<20)}, "stdin"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Run(context.Background(), tc.req)
			var re *script.RequestError
			if !errors.As(err, &re) || re.Field != tc.field {
				t.Fatalf("error %v, want a RequestError on %s", err, tc.field)
			}
		})
	}
}

func TestBusy(t *testing.T) {
	runner(t)
	r, err := script.NewRunner(script.Config{Concurrency: 1, Queue: 1, Warm: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	slow := script.Request{Language: "sh", Code: "sleep 5", TimeoutS: 0.3}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(context.Background(), slow) }()
	}
	time.Sleep(200 * time.Millisecond) // let both take the slot and the queue place
	if _, err := r.Run(context.Background(), slow); !errors.Is(err, script.ErrBusy) {
		t.Errorf("third run: %v, want ErrBusy", err)
	}
	wg.Wait()
}

func TestConcurrentRunsStayApart(t *testing.T) {
	r := runner(t)
	const n = 8
	code := `import os, sys, time
me = sys.stdin.read()
open("/tmp/" + me, "w").close()
time.sleep(0.2)
print(sorted(os.listdir("/tmp")) == [me], len([d for d in os.listdir("/proc") if d.isdigit()]))
`
	var wg sync.WaitGroup
	results := make([]script.Result, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = r.Run(context.Background(), script.Request{
				Language: "python", Code: code, Stdin: fmt.Sprintf("run%d", i), TimeoutS: 5,
			})
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("run %d: %v", i, errs[i])
			continue
		}
		if res := results[i]; res.Status != "ok" || res.Stdout != "True 1\n" {
			t.Errorf("run %d: %s %q %q", i, res.Status, res.Stdout, res.Stderr)
		}
	}
}
