package validate

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/bulwarkhq/bulwark/scan"
)

func mustNew(t testing.TB, cfg Config) *Validator {
	t.Helper()
	v, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCheckKinds(t *testing.T) {
	v := mustNew(t, Config{})
	tests := []struct {
		name string
		text string
		c    Context
		want scan.Kind // "" means allowed
	}{
		{"design sqli", "' OR '1'='1", Chat, scan.SQLi},
		{"design xss", "<script>alert()</script>", Chat, scan.XSS},
		{"union after id", "-1 UNION SELECT NULL,NULL,version()--", Chat, scan.SQLi},
		{"stacked drop", "1; DROP TABLE users--", Chat, scan.SQLi},
		{"comment cut", "admin'--", Chat, scan.SQLi},
		{"url encoded sqli", "%27%20OR%201%3D1--", Chat, scan.SQLi},
		{"double encoded sqli", "%2527%2520OR%25201%253D1--", Chat, scan.SQLi},
		{"fullwidth quote", "\uff07 OR 1=1--", Chat, scan.SQLi},
		{"inline comments", "1'/**/UNION/**/SELECT/**/password/**/FROM/**/users--", Chat, scan.SQLi},
		{"img onerror", `<img src=x onerror=alert(1)>`, Chat, scan.XSS},
		{"attribute breakout", `"><svg onload=alert(1)>`, Chat, scan.XSS},
		{"entity encoded script url", `<a href="jav&#x61;script:alert(1)">x</a>`, Chat, scan.XSS},
		{"nosql operator", `{"username": {"$ne": null}, "password": {"$ne": null}}`, Chat, scan.NoSQLi},
		{"nosql form", "user[$ne]=admin&pass[$ne]=x", Chat, scan.NoSQLi},
		{"cmd separator", "127.0.0.1; cat /etc/passwd", Chat, scan.CmdI},
		{"cmd substitution", "$(whoami)", Chat, scan.CmdI},
		{"cmd ifs", "x;cat${IFS}/etc/passwd", Chat, scan.CmdI},
		{"traversal", "../../../etc/passwd", Chat, scan.PathTraversal},
		{"encoded traversal", "..%2f..%2f..%2fetc%2fpasswd", Chat, scan.PathTraversal},
		{"overlong traversal", "..%c0%af..%c0%afetc%c0%afpasswd", Chat, scan.PathTraversal},
		{"ssti jinja", "{{ ''.__class__.__mro__[1].__subclasses__() }}", Chat, scan.SSTI},
		{"ssti probe", "{{7*7}}", Chat, scan.SSTI},
		{"crlf", "en%0d%0aSet-Cookie:%20session=evil", Chat, scan.CRLF},
		{"ldap", "*)(uid=*))(|(uid=*", Chat, scan.LDAP},
		{"xpath", "' or count(/*)=1 or 'a'='b", Chat, scan.SQLi},

		{"question about slow sql", "why is SELECT * FROM orders WHERE id = 5 slow?", Chat, ""},
		{"apostrophes", "I don't think it's O'Brien's fault, isn't it?", Chat, ""},
		{"math", "if x < 5 and y > 3 then 2 < x < 7", Chat, ""},
		{"windows path", `my file is in C:\Users\bob\Documents\report.docx`, Chat, ""},
		{"html question", "what does <b>bold</b> do compared to <strong>?", Chat, ""},
		{"shell question", "how do I use ls -la | grep txt in bash?", Chat, ""},
		{"relative path question", "should I import from ../utils or ./utils?", Chat, ""},
		{"json paste", `here is my config: {"name": "app", "port": 8080}`, Chat, ""},
		{"french", "Qu'est-ce que c'est « une jointure » en SQL ?", Chat, ""},
		{"jinja question", "in Jinja how do I print {{ user_name }} in a template?", Chat, ""},
		{"mongo question", "how do I find users older than 30 in mongo?", Chat, ""},
		{"plain id strict", "order-12345", Strict, ""},
		{"tag in strict", "<b>", Strict, scan.XSS},
		{"climb in strict", "../x", Strict, scan.PathTraversal},
		{"quote in strict", "admin'", Strict, scan.SQLi},
		{"boolean in strict", "1 OR 1", Strict, scan.SQLi},
		{"email in strict", "john.o.doe@example.com", Strict, ""},
		{"path in strict", `C:\Users\ana\report.pdf`, Strict, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vd := v.Check(tt.text, tt.c)
			f, blocked := vd.Blocking()
			switch {
			case tt.want == "" && blocked:
				t.Errorf("blocked as %s (%.2f %s), want allowed", f.Kind, f.Score, f.Detail)
			case tt.want != "" && !blocked:
				t.Errorf("allowed (findings %+v), want %s", vd.Findings, tt.want)
			case tt.want != "" && !hasKind(vd, tt.want):
				t.Errorf("blocked as %s, want a %s finding", f.Kind, tt.want)
			}
			if vd.Allowed == blocked {
				t.Errorf("Allowed=%v disagrees with blocking findings", vd.Allowed)
			}
		})
	}
}

func hasKind(vd scan.Verdict, k scan.Kind) bool {
	for _, f := range vd.Findings {
		if f.Kind == k {
			return true
		}
	}
	return false
}

func TestModes(t *testing.T) {
	tests := []struct {
		name    string
		mode    Mode
		allowed bool
		action  scan.Action // "" means no finding
	}{
		{"block", ModeBlock, false, scan.Block},
		{"default", "", false, scan.Block},
		{"flag", ModeFlag, true, scan.Flag},
		{"off", ModeOff, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustNew(t, Config{Modes: map[scan.Kind]Mode{scan.XSS: tt.mode}})
			vd := v.Check("<script>alert(1)</script>", Chat)
			if vd.Allowed != tt.allowed {
				t.Errorf("Allowed = %v, want %v", vd.Allowed, tt.allowed)
			}
			var got scan.Action
			for _, f := range vd.Findings {
				if f.Kind == scan.XSS {
					got = f.Action
				}
			}
			if got != tt.action {
				t.Errorf("xss action = %q, want %q", got, tt.action)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown kind", Config{Modes: map[scan.Kind]Mode{"rce": ModeBlock}}, "unknown kind"},
		{"unknown mode", Config{Modes: map[scan.Kind]Mode{scan.XSS: "warn"}}, "unknown mode"},
		{"threshold", Config{ChatThreshold: 1.5}, "outside 0..1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	v := mustNew(t, Config{MaxDepth: 8})
	tests := []struct {
		name    string
		body    string
		field   string // field of the first finding; "" means allowed
		kind    scan.Kind
		wantErr string
	}{
		{"clean chat", `{"messages":[{"role":"user","content":"why is SELECT * FROM t slow?"}]}`,
			"", "", ""},
		{"xss in message", `{"messages":[{"role":"user","content":"hi"},` +
			`{"role":"user","content":"<script>alert(1)</script>"}]}`,
			"messages[1].content", scan.XSS, ""},
		{"operator key", `{"user":"admin","password":{"$ne":null}}`, "password.$ne", scan.NoSQLi, ""},
		{"payload in key", `{"' OR 1=1--":"x"}`, "' OR 1=1--", scan.SQLi, ""},
		{"top-level string", `"../../etc/passwd"`, "", scan.PathTraversal, ""},
		{"malformed", `{"a":`, "", "", "check json"},
		{"trailing data", `{"a":1} {"b":2}`, "", "", "data after"},
		{"too deep", strings.Repeat("[", 9) + strings.Repeat("]", 9), "", "", "deeper than 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vd, err := v.CheckJSON([]byte(tt.body), Chat)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.kind == "" {
				if !vd.Allowed {
					t.Fatalf("blocked: %+v", vd.Findings)
				}
				return
			}
			f, ok := vd.Blocking()
			if !ok || f.Kind != tt.kind || f.Field != tt.field {
				t.Fatalf("first block = %+v, want kind %s in field %q", f, tt.kind, tt.field)
			}
		})
	}
}

func TestCheckForm(t *testing.T) {
	v := mustNew(t, Config{})
	tests := []struct {
		name  string
		query string
		field string
		kind  scan.Kind
	}{
		{"clean", "q=how+do+joins+work&page=2", "", ""},
		{"operator name", "user=admin&pass[$ne]=x", "pass[$ne]", scan.NoSQLi},
		{"sqli value", "id=1%27+OR+%271%27%3D%271", "id", scan.SQLi},
		{"repeated name", "tag=a&tag=%3Cscript%3Ealert(1)%3C/script%3E", "tag[1]", scan.XSS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			vd := v.CheckForm(vals, Chat)
			f, ok := vd.Blocking()
			if tt.kind == "" {
				if ok {
					t.Fatalf("blocked: %+v", f)
				}
				return
			}
			if !ok || f.Kind != tt.kind || f.Field != tt.field {
				t.Fatalf("first block = %+v, want %s in %q", f, tt.kind, tt.field)
			}
		})
	}
}

func TestCheckHeader(t *testing.T) {
	v := mustNew(t, Config{})
	tests := []struct {
		name, header, value string
		blocked             bool
	}{
		{"plain", "X-Request-Id", "abc-123", false},
		{"raw crlf", "X-Forwarded-For", "1.2.3.4\r\nSet-Cookie: a=b", true},
		{"encoded crlf", "Referer", "http://x/%0d%0aSet-Cookie:a=b", true},
		{"bad name", "X-A\r\nB", "v", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vd := v.CheckHeader(tt.header, tt.value)
			if blocked := !vd.Allowed; blocked != tt.blocked {
				t.Fatalf("blocked = %v, want %v (%+v)", blocked, tt.blocked, vd.Findings)
			}
			if tt.blocked && vd.Findings[0].Kind != scan.CRLF {
				t.Fatalf("kind = %s, want crlf", vd.Findings[0].Kind)
			}
		})
	}
}

func TestCheckPath(t *testing.T) {
	v := mustNew(t, Config{})
	tests := []struct {
		name, path string
		blocked    bool
	}{
		{"plain", "/api/chat", false},
		{"dots in name", "/files/report..final.pdf", false},
		{"raw climb", "/static/../../etc/passwd", true},
		{"encoded climb", "/static/%2e%2e/%2e%2e/etc/passwd", true},
		{"double encoded", "/static/%252e%252e/secret", true},
		{"encoded slash", "/static/..%2f..%2fetc", true},
		{"nul", "/files/a.txt%00.png", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vd := v.CheckPath(tt.path)
			if blocked := !vd.Allowed; blocked != tt.blocked {
				t.Fatalf("blocked = %v, want %v (%+v)", blocked, tt.blocked, vd.Findings)
			}
		})
	}
}

func TestIsSafe(t *testing.T) {
	tests := []struct {
		name string
		text string
		safe bool
	}{
		{"chat", "what does a LEFT JOIN return?", true},
		{"attack", "1' or '1'='1' --", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := IsSafe(tt.text)
			if ok != tt.safe || (err == nil) != tt.safe {
				t.Fatalf("IsSafe = %v, %v; want safe=%v", ok, err, tt.safe)
			}
			if err != nil && !strings.Contains(err.Error(), "sqli") {
				t.Fatalf("error %q does not name the kind", err)
			}
		})
	}
}

func TestFindingOrder(t *testing.T) {
	v := mustNew(t, Config{})
	text := "<script>alert(1)</script>' OR 1=1-- ../../../etc/passwd"
	first := v.Check(text, Chat)
	for range 20 {
		again := v.Check(text, Chat)
		if len(again.Findings) != len(first.Findings) {
			t.Fatal("finding count changed between runs")
		}
		for i := range again.Findings {
			if again.Findings[i] != first.Findings[i] {
				t.Fatalf("finding %d changed between runs", i)
			}
		}
	}
	for i := 1; i < len(first.Findings); i++ {
		if kindIndex(first.Findings[i-1].Kind) > kindIndex(first.Findings[i].Kind) {
			t.Fatalf("findings not in kind order: %+v", first.Findings)
		}
	}
}

// TestConcurrentUse runs one Validator from several goroutines; with -race
// it shows the detectors share no mutable state.
func TestConcurrentUse(t *testing.T) {
	v := mustNew(t, Config{})
	texts := []string{"' OR '1'='1", "<script>alert(1)</script>", "hello there", "../../etc/passwd"}
	want := make([]bool, len(texts))
	for i, s := range texts {
		want[i] = v.Check(s, Chat).Allowed
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for n := range 50 {
				i := (g + n) % len(texts)
				if got := v.Check(texts[i], Chat).Allowed; got != want[i] {
					t.Errorf("%q: Allowed = %v, want %v", texts[i], got, want[i])
				}
			}
		})
	}
	wg.Wait()
}
