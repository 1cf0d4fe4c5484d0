package web

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHandlerServesPages(t *testing.T) {
	h, err := Handler()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, wantType, wantText string
	}{
		{"/", "text/html", "Log in"},
		{"/chat.html", "text/html", "/chat.js"},
		{"/scripts.html", "text/html", "/scripts.js"},
		{"/dashboard.html", "text/html", "/dashboard.js"},
		{"/common.js", "javascript", "X-CSRF-Token"},
		{"/style.css", "text/css", ":root"},
		{"/favicon.svg", "image/svg+xml", "<svg"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", w.Code)
			}
			// The system's MIME table may say text/ or application/javascript.
			if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.wantType)
			}
			if !strings.Contains(w.Body.String(), tt.wantText) {
				t.Errorf("body does not contain %q", tt.wantText)
			}
			if cc := w.Header().Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache", cc)
			}
		})
	}
}

func TestHandlerMissingPage(t *testing.T) {
	h, err := Handler()
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/nope.html", nil))
	if w.Code != http.StatusNotFound {
		t.Fatalf("status %d, want 404", w.Code)
	}
}

var (
	inlineScript = regexp.MustCompile(`(?is)<script(?:\s[^>]*)?>\s*[^<\s]`)
	scriptTag    = regexp.MustCompile(`(?is)<script\b[^>]*>`)
	styleTag     = regexp.MustCompile(`(?is)<style\b`)
	styleAttr    = regexp.MustCompile(`(?is)<[^>]+\sstyle\s*=`)
	eventAttr    = regexp.MustCompile(`(?is)<[^>]+\son[a-z]+\s*=`)
	jsURL        = regexp.MustCompile(`(?i)javascript:`)
	labelFor     = regexp.MustCompile(`(?i)<label\s[^>]*\bfor="([^"]+)"`)
	control      = regexp.MustCompile(`(?i)<(?:input|select|textarea)\s[^>]*\bid="([^"]+)"[^>]*>`)
	srcRef       = regexp.MustCompile(`(?i)\s(?:src|href)="([^"]*)"`)
	unsafeJS     = regexp.MustCompile(`\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML|` +
		`document\.write|\beval\(|new Function\(|setAttribute\('style'`)
)

// TestPagesKeepTheCSP checks what the gateway's Content-Security-Policy
// would refuse or what would weaken it: inline scripts, styles and event
// handlers, scripts from elsewhere, and HTML built from strings.
func TestPagesKeepTheCSP(t *testing.T) {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(sub, "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		t.Run(name, func(t *testing.T) {
			switch {
			case strings.HasSuffix(name, ".html"):
				for _, p := range checkHTML(sub, src) {
					t.Error(p)
				}
			case strings.HasSuffix(name, ".js"):
				if m := unsafeJS.FindString(src); m != "" {
					t.Errorf("uses %s: build elements and set textContent instead", m)
				}
				if !strings.HasPrefix(src, "'use strict';") {
					t.Error("does not start with 'use strict';")
				}
			}
		})
	}
}

// checkHTML lists what in an HTML page breaks or weakens the policy, and
// form controls without a label; refs are resolved in files.
func checkHTML(files fs.FS, src string) []string {
	var bad []string
	for _, c := range []struct {
		re   *regexp.Regexp
		what string
	}{
		{inlineScript, "inline script"},
		{styleTag, "<style> element"},
		{styleAttr, "style attribute"},
		{eventAttr, "inline event handler"},
		{jsURL, "javascript: URL"},
	} {
		if m := c.re.FindString(src); m != "" {
			bad = append(bad, fmt.Sprintf("%s: %q", c.what, m))
		}
	}
	labels := map[string]bool{}
	for _, m := range labelFor.FindAllStringSubmatch(src, -1) {
		labels[m[1]] = true
	}
	for _, m := range control.FindAllStringSubmatch(src, -1) {
		if !strings.Contains(m[0], `type="hidden"`) && !labels[m[1]] {
			bad = append(bad, "form control without a label: "+m[1])
		}
	}
	for _, tag := range scriptTag.FindAllString(src, -1) {
		if !strings.Contains(tag, `src="/`) {
			bad = append(bad, "script not loaded from this site: "+tag)
		}
	}
	for _, m := range srcRef.FindAllStringSubmatch(src, -1) {
		ref := m[1]
		switch {
		case strings.HasPrefix(ref, "#") || ref == "/":
		case !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//"):
			bad = append(bad, "reference to elsewhere: "+ref)
		default:
			if _, err := fs.Stat(files, strings.TrimPrefix(ref, "/")); err != nil {
				bad = append(bad, "reference to a missing file: "+ref)
			}
		}
	}
	return bad
}

// TestCheckHTMLCatches makes sure the page check is not blind: each page
// here breaks the policy once.
func TestCheckHTMLCatches(t *testing.T) {
	files := fstest.MapFS{"a.js": {Data: []byte("'use strict';")}}
	tests := []struct {
		name, page string
		want       int
	}{
		{"clean", `<script src="/a.js" defer></script><a href="#main">skip</a>`, 0},
		{"inline script", `<script>alert(1)</script>`, 2},
		{"style element", `<style>p{}</style>`, 1},
		{"style attribute", `<p style="color:red">x</p>`, 1},
		{"event handler", `<button onclick="go()">x</button>`, 1},
		{"javascript URL", `<a href="javascript:go()">x</a>`, 2},
		{"script from a CDN", `<script src="https://cdn.example/x.js"></script>`, 2},
		{"protocol-relative", `<link rel="stylesheet" href="//cdn.example/x.css">`, 1},
		{"missing file", `<script src="/b.js"></script>`, 1},
		{"labelled field", `<label for="n">Name</label><input id="n" name="n">`, 0},
		{"field without label", `<input id="n" name="n"><label for="m">M</label>`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkHTML(files, tt.page); len(got) != tt.want {
				t.Errorf("%d problems %q, want %d", len(got), got, tt.want)
			}
		})
	}
}
