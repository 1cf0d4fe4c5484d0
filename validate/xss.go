package validate

import (
	"strings"

	"github.com/corazawaf/libinjection-go"
)

// maxXSSScan bounds the text libinjection's HTML5 tokenizer reads.
// TODO: like maxSQLScan, a payload after the first 16 KiB is seen only by
// the linear tag scan below, not by libinjection.
const maxXSSScan = 16 << 10

// execTags are elements that run script or load active content.
var execTags = map[string]bool{
	"script": true, "iframe": true, "frame": true, "object": true, "embed": true,
	"applet": true, "svg": true, "math": true, "base": true, "meta": true,
	"link": true, "style": true, "form": true, "isindex": true, "xss": true,
	"frameset": true, "import": true, "animate": true, "set": true,
	"handler": true, "listener": true, "template": true, "portal": true,
}

// detectXSS scores cross-site scripting: a tag that runs script (script,
// an on* event handler, a javascript: URL), markup that closes an attribute
// or element to start its own, and script sinks reached that way.
func detectXSS(in *input, c Context) (float64, string) {
	s := in.low
	var h hit
	tags, handlers := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			name := tagNameAt(s, i+1)
			if name == "" {
				continue
			}
			tags++
			end := tagEnd(s, i+1+len(name))
			attrs := s[i+1+len(name) : end]
			switch {
			case name == "script":
				h.see(0.95, "<script> tag")
			case hasHandler(attrs):
				handlers++
				h.see(0.93, "<"+name+"> tag with an event handler")
			case hasScriptURL(compact(attrs)):
				h.see(0.92, "<"+name+"> tag with a script URL")
			case execTags[name] && end > i+1+len(name):
				h.see(0.75, "<"+name+"> tag with attributes")
			case execTags[name]:
				h.see(0.5, "<"+name+"> tag")
			default:
				h.see(0.35, "HTML tag <"+name+">")
			}
			if i > 0 && (s[i-1] == '"' || s[i-1] == '\'' || s[i-1] == '>') && valueLike(s[:i-1]) {
				h.see(min(h.score+0.2, 0.95), "markup breaks out of an attribute")
			}
		case 'o':
			// An event handler injected by closing an attribute quote:
			// " onmouseover=...
			if i > 0 && (s[i-1] == ' ' || s[i-1] == '"' || s[i-1] == '\'' || s[i-1] == '/') &&
				handlerAt(s, i) && quoteBefore(s, i) {
				h.see(0.85, "quote closed then event handler")
			}
		case 'j', 'v':
			if strings.HasPrefix(s[i:], "javascript:") || strings.HasPrefix(s[i:], "vbscript:") {
				if i == 0 || strings.IndexByte("\"'=( `", s[i-1]) >= 0 {
					k := strings.IndexByte(s[i:], ':') + i + 1
					if k < len(s) && (isWordByte(s[k]) || strings.IndexByte("/({[`'\"", s[k]) >= 0) {
						h.see(0.8, "script URL")
					}
				}
			}
		}
	}
	if in.layers > 0 && tags > 0 && h.score >= 0.5 {
		h.see(min(h.score+0.1, 0.95), h.detail+" (encoded)")
	}
	if h.score < 0.7 && libinjection.IsXSS(clip(in.dec, maxXSSScan)) {
		score := 0.8
		if tags == 0 && c == Chat {
			score = 0.5
		}
		h.see(score, "libinjection HTML5 tokenizer")
	}
	if h.score < 0.8 && jsSinkAfterBreakout(s) {
		h.see(0.8, "string closed then script call")
	}
	if h.score < 0.75 {
		if sink := jsSinkValue(in.sql); sink != "" {
			h.see(0.75, "script sink "+sink+" as a whole value")
		}
	}
	return h.score, h.detail
}

// tagNameAt returns the element name starting at s[i] ("" when the '<'
// does not start a tag: math such as x<5, or arrows <-).
func tagNameAt(s string, i int) string {
	if i < len(s) && s[i] == '/' {
		i++
	}
	j := i
	for j < len(s) && (isAlpha(s[j]) || (j > i && (isDigit(s[j]) || s[j] == '-' || s[j] == ':'))) {
		j++
	}
	if j == i {
		return ""
	}
	if j < len(s) && !(isSpace(s[j]) || s[j] == '>' || s[j] == '/' || s[j] == '\x00') {
		return ""
	}
	return s[i:j]
}

// tagEnd returns the index of the '>' closing a tag whose attributes start
// at i, or of a following '<', bounded to 2 KiB, or the end of s.
func tagEnd(s string, i int) int {
	lim := min(len(s), i+2048)
	for j := i; j < lim; j++ {
		if s[j] == '>' || s[j] == '<' {
			return j
		}
	}
	return lim
}

// hasHandler reports whether tag attributes hold an on* event handler.
func hasHandler(attrs string) bool {
	for i := 0; i+2 < len(attrs); i++ {
		if attrs[i] == 'o' && attrs[i+1] == 'n' && (i == 0 || !isWordByte(attrs[i-1])) &&
			handlerAt(attrs, i) {
			return true
		}
	}
	return false
}

// handlerAt reports whether s[i:] is on<letters> followed by '='.
func handlerAt(s string, i int) bool {
	if !strings.HasPrefix(s[i:], "on") {
		return false
	}
	j := i + 2
	for j < len(s) && isAlpha(s[j]) {
		j++
	}
	if j-i < 5 { // the shortest handler names are three letters: oncut
		return false
	}
	// Browsers skip junk between the name and '=': onload!#$%&()=...
	for k := j; k < len(s) && k-j < 40; k++ {
		switch {
		case s[k] == '=':
			return true
		case isSpace(s[k]) || strings.IndexByte("!#$%&()*~+-_.,:;?@[/|\\]^`", s[k]) >= 0:
		default:
			return false
		}
	}
	return false
}

// compact returns s without white space and control characters, which
// browsers ignore inside a URL scheme (jav	ascript:).
func compact(s string) string {
	if !strings.ContainsAny(s, " \t\n\r\v\f") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// quoteBefore reports whether a quote closes just before position i, so an
// attribute value was left.
func quoteBefore(s string, i int) bool {
	for j := i - 1; j >= 0 && i-j < 4; j-- {
		if s[j] == '"' || s[j] == '\'' {
			return valueLike(s[:j])
		}
	}
	return false
}

// hasScriptURL reports whether tag attributes hold a javascript:, vbscript:
// or data:text/html URL.
func hasScriptURL(attrs string) bool {
	return strings.Contains(attrs, "javascript:") || strings.Contains(attrs, "vbscript:") ||
		strings.Contains(attrs, "data:text/html") || strings.Contains(attrs, "livescript:") ||
		strings.Contains(attrs, "expression(")
}

// jsSinks are JavaScript calls and properties that read secrets or run
// code, written without spaces.
var jsSinks = []string{
	"alert(", "confirm(", "prompt(", "eval(", "document.cookie", "document[", "[\"cookie\"]",
	"['cookie']", "globaleval", "fromcharcode", ".appendchild(", "innerhtml=",
	"document.write(", "settimeout(", "setinterval(", "[\"alert\"]", "['alert']",
	"location.href=", "window.location=", "document.domain", ".textcontent=",
	"import(", "@import", "[]+[]", "(![]", "{alert}",
}

// jsSinkValue returns the sink when s, a short value with few spaces, is a
// piece of JavaScript reaching a sink: confirm(), (document)["cookie"].
func jsSinkValue(s string) string {
	if len(s) > 256 || strings.Count(s, " ") > 8 {
		return ""
	}
	c := compact(s)
	for _, k := range jsSinks {
		if i := strings.Index(c, k); i == 0 || i > 0 && !isWordByte(c[i-1]) {
			return strings.Trim(k, "([.=\"'")
		}
	}
	return ""
}

// jsSinkAfterBreakout reports a value that closes a JavaScript string and
// calls a sink: ';alert(1)// or "-prompt(1)-".
func jsSinkAfterBreakout(s string) bool {
	for _, sink := range []string{"alert", "prompt", "confirm", "eval", "document.cookie",
		"fromcharcode", "document.write", "window.location"} {
		k := strings.Index(s, sink)
		if k < 0 || k > 64 {
			continue
		}
		q := strings.IndexAny(s[:k], "'\"`")
		if q < 0 || !valueLike(s[:q]) {
			continue
		}
		between := strings.TrimSpace(s[q+1 : k])
		if between == "" || strings.Trim(between, ";+-*/|&,)}({") == "" {
			return true
		}
	}
	return false
}
