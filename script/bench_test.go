//go:build linux

package script_test

// Compare before and after a change with:
//
//	go test -run='^$' -bench=. -benchtime=200ms -count=10 ./script > old.txt
//	(change)
//	go test -run='^$' -bench=. -benchtime=200ms -count=10 ./script > new.txt
//	benchstat old.txt new.txt

import (
	"context"
	"os/exec"
	"testing"

	"github.com/bulwarkhq/bulwark/script"
)

var benchScripts = []struct{ lang, code, bare string }{
	{"sh", "true", "sh -c true"},
	{"python", "pass", "python3 -c pass"},
}

func BenchmarkBare(b *testing.B) {
	for _, s := range benchScripts {
		b.Run(s.lang, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := exec.Command("sh", "-c", s.bare).Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPool(b *testing.B) {
	r, err := script.NewRunner(script.Config{Warm: 2})
	if err != nil {
		b.Skip("no sandbox on this host: ", err)
	}
	defer func() {
		if err := r.Close(); err != nil {
			b.Error(err)
		}
	}()
	for _, s := range benchScripts {
		b.Run(s.lang, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := r.Run(context.Background(), script.Request{Language: s.lang, Code: s.code})
				if err != nil || res.Status != "ok" {
					b.Fatal(err, res.Status, res.Stderr)
				}
			}
		})
	}
}

func BenchmarkFresh(b *testing.B) {
	for _, s := range benchScripts {
		b.Run(s.lang, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := script.Exec(context.Background(), script.Request{Language: s.lang, Code: s.code})
				if err != nil || res.Status != "ok" {
					b.Fatal(err, res.Status, res.Stderr)
				}
			}
		})
	}
}
