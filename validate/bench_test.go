package validate

// Compare before and after a change with:
//
//	go test -run='^$' -bench=. -benchmem -count=10 ./validate > old.txt
//	(make the change)
//	go test -run='^$' -bench=. -benchmem -count=10 ./validate > new.txt
//	benchstat old.txt new.txt

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// chatText returns about n bytes of chat-like text: prose with pasted SQL,
// HTML, paths and shell, the mix the chat context must let through.
func chatText(n int) string {
	parts := []string{
		"Why is SELECT * FROM orders WHERE customer_id = 42 so slow on a big table? ",
		"I don't understand what <div class=\"row\"> does in Bootstrap. ",
		"My file is at C:\\Users\\ana\\Documents\\plan.xlsx and ../data/input.csv. ",
		"How do I run ls -la | grep log in bash without errors? ",
		"If x < 10 and y > 3, is x*y always below 30? It's a quiz question. ",
		"Quelle est la différence entre une jointure et une sous-requête ? ",
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(parts[i%len(parts)])
	}
	return b.String()[:n]
}

// adversarial returns inputs of about n bytes built to be slow: long runs of
// escapes, quotes, comment openers, climbs, tags, template delimiters and
// control characters.
func adversarial(n int) map[string]string {
	rep := func(unit string) string { return strings.Repeat(unit, n/len(unit)+1)[:n] }
	return map[string]string{
		"percent":   rep("%25"),
		"entities":  rep("&#x26;"),
		"quotes":    rep("'"),
		"comments":  rep("/*"),
		"climbs":    rep("..%c0"),
		"tags":      rep("<a "),
		"templates": rep("{{"),
		"dollars":   rep("$("),
		"ldap":      rep(")("),
		"newlines":  rep("%0d%0a"),
		"handlers":  rep("<x onx"),
		"unions":    rep("union "),
		"semicolon": rep(";a "),
		"controls":  rep("or\x00"),
	}
}

func BenchmarkCheckChat(b *testing.B) {
	v := mustNew(b, Config{})
	for _, n := range []int{100, 1 << 10, 64 << 10, 1 << 20} {
		text := chatText(n)
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				v.Check(text, Chat)
			}
		})
	}
}

// BenchmarkCheckLatency times each call on a 1 KiB chat message and reports
// the median and 99th percentile, both in wall time and in CPU time of the
// calling thread (which leaves out time the thread waited for a CPU, so it
// is steadier on a shared machine).
func BenchmarkCheckLatency(b *testing.B) {
	v := mustNew(b, Config{})
	text := chatText(1 << 10)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var wall, cpu []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		c0 := threadCPU()
		start := time.Now()
		v.Check(text, Chat)
		wall = append(wall, time.Since(start))
		cpu = append(cpu, threadCPU()-c0)
	}
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"wall", wall}, {"cpu", cpu}} {
		slices.Sort(m.d)
		b.ReportMetric(float64(m.d[len(m.d)/2].Nanoseconds())/1e3, m.name+"-p50-µs")
		b.ReportMetric(float64(m.d[len(m.d)*99/100].Nanoseconds())/1e3, m.name+"-p99-µs")
	}
}

// threadCPU returns the CPU time used so far by the calling OS thread.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// BenchmarkCheckProse judges 1 KiB messages of ordinary prose: the human
// questions of the shared corpus's Dolly rows, joined and cut to 1 KiB. It
// skips when the shared corpus is not checked out beside the repository.
func BenchmarkCheckProse(b *testing.B) {
	dir := sharedDataDir(b)
	if dir == "" {
		b.Skip("shared corpus ../shared/data/input is absent")
	}
	var texts []string
	var sb strings.Builder
	for _, r := range readCorpus(b, dir) {
		if r.Label != "benign" || !strings.HasPrefix(r.Source, "dolly") {
			continue
		}
		sb.WriteString(r.Text + " ")
		if sb.Len() >= 1<<10 {
			texts = append(texts, sb.String()[:1<<10])
			sb.Reset()
		}
	}
	v := mustNew(b, Config{})
	b.SetBytes(1 << 10)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		v.Check(texts[i%len(texts)], Chat)
		i++
	}
}

func BenchmarkCheckAdversarial(b *testing.B) {
	v := mustNew(b, Config{})
	for _, n := range []int{1 << 10, 64 << 10} {
		adv := adversarial(n)
		names := make([]string, 0, len(adv))
		for k := range adv {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, name := range names {
			text := adv[name]
			b.Run(fmt.Sprintf("%s/%dB", name, n), func(b *testing.B) {
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					v.Check(text, Chat)
				}
			})
		}
	}
}

// BenchmarkDetectors times normalisation and each detector alone on a 1 KiB
// chat message, to show where the time of a Check goes.
func BenchmarkDetectors(b *testing.B) {
	text := chatText(1 << 10)
	b.Run("normalise", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			prepare(text)
		}
	})
	in := prepare(text)
	for _, d := range detectors() {
		b.Run(string(d.kind), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.fn(in, Chat)
			}
		})
	}
}

// BenchmarkReferenceLoop counts one byte value over 1 KiB with a plain loop.
// It does no validation: it calibrates the other figures against how busy
// the machine was when they were taken.
func BenchmarkReferenceLoop(b *testing.B) {
	text := chatText(1 << 10)
	n := 0
	for b.Loop() {
		for i := 0; i < len(text); i++ {
			if text[i] == 'q' {
				n++
			}
		}
	}
	if n < 0 {
		b.Fatal("unreachable")
	}
}

// TestChatTextAllowed keeps the benchmarks honest: the chat messages they
// time are ordinary ones, which the chat context lets through.
func TestChatTextAllowed(t *testing.T) {
	v := mustNew(t, Config{})
	for _, n := range []int{100, 1 << 10, 64 << 10} {
		if vd := v.Check(chatText(n), Chat); !vd.Allowed {
			f, _ := vd.Blocking()
			t.Errorf("the %d-byte benchmark message is blocked: %s %.2f %s", n, f.Kind, f.Score, f.Detail)
		}
	}
}
