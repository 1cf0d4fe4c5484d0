package validate

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bulwarkhq/bulwark/scan"
)

// fuzzSeeds are starting inputs shared by the fuzz targets.
var fuzzSeeds = []string{
	"", "' OR '1'='1", "<script>alert(1)</script>", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
	"..%c0%af..%c0%af", "&#x3C;img src=x onerror=alert(1)&#x3E;", `\u003cscript\u003e`,
	"{{7*7}}", "${jndi:ldap://x}", "*)(uid=*))(|(uid=*", "%0d%0aSet-Cookie: a=b",
	`{"$ne": null}`, "; cat /etc/passwd", "1/*!50000UNION*/SELECT", "%uff0e%uff0e/",
	"\xc0\xaf\xe0\x80\xaf\xf8\x80\x80\x80\xaf", "%%32%%65", "\x00\x01\xff", "/*/*/*",
	"why is SELECT * FROM orders WHERE id = 5 slow?", "I don't know & you?",
	"SELECT\x00name\x01FROM%00t", "0 union#x\n#y\nselect 1", "SELECT /*!40000 2/0, */ 1",
}

func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := prepare(s)
		if len(in.dec) > len(s) {
			t.Fatalf("decoding grew the text: %d > %d bytes", len(in.dec), len(s))
		}
		if len(in.low) != len(in.dec) {
			t.Fatal("case folding changed the length")
		}
		if len(in.sql) > len(in.low) {
			t.Fatal("SQL form grew the text")
		}
		if in.layers < maxDecodePasses {
			// The last pass changed nothing, so normalising again is
			// a no-op.
			if again := Normalize(in.dec); again != in.dec {
				t.Fatalf("not idempotent: %q then %q", in.dec, again)
			}
		}
		if utf8.ValidString(s) && strings.ContainsRune(in.dec, 0) {
			t.Fatal("NUL survived normalisation")
		}
		if len(in.ctl) > len(s) {
			t.Fatalf("control reading grew the text: %d > %d bytes", len(in.ctl), len(s))
		}
		for i := 0; i < len(in.ctl); i++ {
			if c := in.ctl[i]; c != 0 && controlRune(rune(c)) {
				t.Fatalf("control byte %#x in the control reading", c)
			}
		}
	})
}

func FuzzForms(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		low := asciiLower(s)
		if out, _ := shellForm(low); len(out) > len(low) {
			t.Fatal("shellForm grew the text")
		}
		if out := pathForm(low); len(out) > len(low) {
			t.Fatal("pathForm grew the text")
		}
		if out := sqlForm(low); len(out) > len(low) {
			t.Fatal("sqlForm grew the text")
		}
	})
}

func FuzzDetectors(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	ds := detectors()
	f.Fuzz(func(t *testing.T, s string) {
		in := prepare(s)
		for _, d := range ds {
			for _, c := range []Context{Chat, Strict} {
				score, detail := d.fn(in, c)
				if score < 0 || score > 1 {
					t.Fatalf("%s: score %v outside 0..1", d.kind, score)
				}
				if score > 0 && detail == "" {
					t.Fatalf("%s: score %v without an explanation", d.kind, score)
				}
			}
		}
	})
}

func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	v := mustNew(f, Config{Modes: map[scan.Kind]Mode{scan.CRLF: ModeFlag}})
	f.Fuzz(func(t *testing.T, s string) {
		for _, vd := range []scan.Verdict{
			v.Check(s, Chat), v.Check(s, Strict), v.CheckPath(s), v.CheckHeader("X-A", s),
		} {
			_, blocked := vd.Blocking()
			if vd.Allowed == blocked {
				t.Fatalf("Allowed=%v with blocking=%v", vd.Allowed, blocked)
			}
		}
		// Strict context never lets through what chat blocks.
		if !v.Check(s, Chat).Allowed && v.Check(s, Strict).Allowed {
			t.Fatalf("chat blocks %q but strict allows it", s)
		}
	})
}

func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `"x"`, `{"a":[1,{"$ne":null}]}`, `{"a":`, `[[[[`,
		`{"messages":[{"content":"<script>alert(1)</script>"}]}`, `1 2`, `{"a":"b"}x`} {
		f.Add([]byte(s))
	}
	v := mustNew(f, Config{MaxDepth: 16})
	f.Fuzz(func(t *testing.T, body []byte) {
		vd, err := v.CheckJSON(body, Chat)
		if err != nil {
			if !vd.Allowed || len(vd.Findings) != 0 {
				t.Fatal("error with findings")
			}
			return
		}
		_, blocked := vd.Blocking()
		if vd.Allowed == blocked {
			t.Fatal("Allowed disagrees with findings")
		}
	})
}
