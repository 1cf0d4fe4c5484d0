package validate

import (
	"strings"

	"github.com/corazawaf/libinjection-go"
)

// maxXSSScan bounds the text libinjection's HTML5 tokenizer reads when a
// strict-context text has no tag at all.
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
// or element to start its own, and script sinks reached that way. Markup
// whose attributes are all calm (xss_calm.go: handlers calling page code,
// plain styles, local URLs) scores under the chat threshold and over the
// strict one.
func detectXSS(in *input, c Context) (float64, string) {
	s := in.low
	var x xssScan
	x.scan(s)
	h, tags := x.h, x.tags
	if h.score < 0.85 {
		if m := x.marker(s); m != "" {
			h.see(0.85, "script-capable construct "+m)
		}
	}
	// Markup found by decoding counts more, but calm markup only when the
	// text held escapes, not just lookalike characters (an em dash, ›).
	calm := x.calmBest && h.score == x.h.score
	if in.layers > 0 && tags > 0 && h.score >= 0.5 && (!calm || hasEscapes(in.raw)) {
		h.see(min(h.score+0.1, 0.95), h.detail+" (encoded)")
	}
	// libinjection's HTML5 tokenizer reads a window at each of the first
	// tags with attributes (bounded work however long the text); without
	// a tag its verdict counts only in strict context.
	if h.score < 0.7 {
		for _, p := range x.probe[:x.nprobe] {
			if libinjection.IsXSS(in.dec[p:min(len(in.dec), p+256)]) {
				h.see(0.8, "libinjection HTML5 tokenizer")
				break
			}
		}
		if tags == 0 && c == Strict && tokenizerMayFire(in.dec) &&
			libinjection.IsXSS(clip(in.dec, maxXSSScan)) {
			h.see(0.5, "libinjection HTML5 tokenizer")
		}
	}
	if h.score < 0.8 && jsSinkAfterBreakout(s) {
		h.see(0.8, "string closed then script call")
	}
	if h.score < 0.75 {
		if sink := jsSinkValue(in.sql); sink != "" {
			h.see(0.75, "script sink "+sink+" as a whole value")
		}
	}
	if c == Chat && h.score >= DefaultChatThreshold && shownMarkupOnly(s) {
		return shownMarkupScore, h.detail + ", shown as markdown code"
	}
	return h.score, h.detail
}

// shownMarkupScore is what markup inside markdown code scores in chat: over
// the strict threshold, under the chat one.
const shownMarkupScore = 0.65

// shownMarkupOnly reports whether what makes s risky sits in markdown code
// shown in a sentence (`<script defer>`, a ```html fence): with those spans
// blanked, the markup scan finds nothing that blocks in chat. A message
// that is one code span, or code glued to a word, does not count as shown.
func shownMarkupOnly(s string) bool {
	if strings.IndexByte(s, '`') < 0 && strings.IndexByte(s, '~') < 0 {
		return false
	}
	var rest []byte
	c := codeCursor{s: s}
	for {
		r, ok := c.next()
		if !ok {
			break
		}
		whole := skipSpace(s, 0) >= r.start && skipSpace(s, r.end) == len(s)
		if !r.setOff(s) || whole {
			continue
		}
		if rest == nil {
			rest = []byte(s)
		}
		for i := r.start; i < r.end; i++ {
			rest[i] = ' '
		}
	}
	if rest == nil {
		return false
	}
	var y xssScan
	y.scan(string(rest))
	return y.h.score < DefaultChatThreshold && y.marker(string(rest)) == "" &&
		!jsSinkAfterBreakout(string(rest))
}

// tokenizerMayFire reports whether libinjection.IsXSS can hold for s or a
// prefix of it. Its HTML5 tokenizer (checked for v0.3.6) reports script
// only in a tag, comment or doctype, which all start at a '<', or in an
// attribute value judged by the attribute name before it, which takes '='.
func tokenizerMayFire(s string) bool {
	return strings.IndexByte(s, '<') >= 0 || strings.IndexByte(s, '=') >= 0
}

// riskyAttrs reports whether tag attributes hold anything that can load or
// run content (URLs, styles, data, entities, backticks) and so deserve a
// look by libinjection; class="row" does not.
func riskyAttrs(attrs string) bool {
	for i := 0; i < len(attrs); i++ {
		for _, m := range riskyByFirst[attrs[i]] {
			if strings.HasPrefix(attrs[i:], m) {
				return true
			}
		}
	}
	return false
}

// riskyByFirst lists the marks riskyAttrs looks for by their first byte.
var riskyByFirst = func() (t [256][]string) {
	for _, m := range []string{"src", "href", "style", "data", "action", "background", "xlink",
		"xmlns", "content", "value", "`", "&#", "\\", "url", ":"} {
		t[m[0]] = append(t[m[0]], m)
	}
	return t
}()

// xssScan collects what the markup pass over one text found.
type xssScan struct {
	h       hit
	tags    int
	probe   [2]int // starts of tags with risky attributes, for libinjection
	nprobe  int
	markers uint32 // bit k: the spaced form of xssMarkers[k] occurs
	// quietClose is where the closing tag of a calm <script src> or
	// <style> element would start, and quietName the element's name, so
	// that the closing tag does not count as an element of its own.
	quietClose int
	quietName  string
	calmBest   bool // h comes from markup judged calm
}

// see raises the best hit with a finding that is not calm markup.
func (x *xssScan) see(score float64, detail string) {
	if x.h.beats(score) {
		x.h.see(score, detail)
		x.calmBest = false
	}
}

// xssStops marks the bytes the markup pass always looks closer at: '<' and
// the key bytes of xssMarkers.
var xssStops = func() (t [256]bool) {
	for c := range t {
		t[c] = c == '<' || markerTexts.keyed(byte(c))
	}
	return t
}()

// scan looks, in order, at each '<' that may start a tag, each 'o' that may
// start an injected event handler, each 'j' or 'v' that may start a script
// URL, each 'd' that may start a data: URL and each key byte of a marker.
// 'o', 'j' and 'v' are skipped in texts without the '=' a handler needs or
// the ':' a URL needs, 'd' in texts without "data:".
func (x *xssScan) scan(s string) {
	stop := xssStops
	if strings.IndexByte(s, '=') >= 0 {
		stop['o'] = true
	}
	if strings.IndexByte(s, ':') >= 0 {
		stop['j'], stop['v'] = true, true
		stop['d'] = indexBefore(s, "data", ":") >= 0
	}
	for i := 0; i < len(s); i++ {
		if !stop[s[i]] {
			continue
		}
		if markerTexts.keyed(s[i]) {
			x.markers |= markerTexts.at(s, i)
		}
		switch s[i] {
		case '<':
			x.tag(s, i)
		case 'o':
			x.injectedHandler(s, i)
		case 'j', 'v':
			x.scriptURL(s, i)
		case 'd':
			x.documentURL(s, i)
		}
	}
}

// marker returns the text of the first of xssMarkers whose spaced form the
// scan found and whose anchor s holds, or "". The anchor is a part without
// room for spaces.
func (x *xssScan) marker(s string) string {
	for k, m := range xssMarkers {
		if x.markers&(1<<k) != 0 && strings.Contains(s, m.anchor) {
			return m.text
		}
	}
	return ""
}

// tag judges the tag that may start at s[i] == '<'.
func (x *xssScan) tag(s string, i int) {
	name := tagNameAt(s, i+1)
	if name == "" {
		return
	}
	x.tags++
	end := tagEnd(s, i+1+len(name))
	attrs := s[i+1+len(name) : end]
	calm := tagCalm{calm: true} // a closing tag has no attributes
	if s[i+1] != '/' && calmMatters(name, attrs) {
		calm = judgeAttrs(s, i+1+len(name), name == "iframe" || !execTags[name])
	}
	score, what, quiet := x.judgeTag(s, i, name, end, calm)
	if x.nprobe < len(x.probe) && riskyAttrs(attrs) && !quiet {
		x.probe[x.nprobe] = i
		x.nprobe++
	}
	if x.h.beats(score) {
		x.h.see(score, "<"+name+"> "+what)
		x.calmBest = quiet
	}
	if i > 0 && (s[i-1] == '"' || s[i-1] == '\'' || s[i-1] == '>') && valueLike(s[:i-1]) {
		x.see(min(x.h.score+0.2, 0.95), "markup breaks out of an attribute")
	}
}

// calmMatters reports whether judging the attributes of tag name can
// change its verdict: not for a plain element whose attributes hold no
// handler, script URL, risky attribute or JSX value (<div class="row">),
// which scores as an HTML tag either way.
func calmMatters(name, attrs string) bool {
	return execTags[name] || name == "script" || name == "style" ||
		strings.IndexByte(attrs, '{') >= 0 || hasHandler(attrs) || hasScriptURL(attrs) ||
		riskyAttrs(attrs)
}

// judgeTag scores the tag named name at s[i], ending at s[end], whose
// attributes calm describes. quiet says the tag is calm markup that
// libinjection is not to be asked about (it flags every style and handler).
// A calm <script src> or <style> element notes where its closing tag will
// be, for that tag to pass too.
func (x *xssScan) judgeTag(s string, i int, name string, end int, calm tagCalm) (
	score float64, what string, quiet bool) {
	attrs := s[i+1+len(name) : end]
	plain := calm.calm && (plainElements[name] || calm.jsx && !calm.loads)
	// attrs stops at the '>' of a JSX arrow (={() => go()}); calm read on.
	handler := calm.handlers || hasHandler(attrs)
	switch {
	case i > 0 && i == x.quietClose && name == x.quietName:
		return 0.5, "closing tag of a calm element", true
	case name == "script" && calm.calm && calm.localSrc && nothingInside(s, end):
		x.quietClose, x.quietName = skipSpace(s, min(len(s), end+1)), name
		return 0.6, "tag loading a script of the site", true
	case name == "script" && scriptRuns(s, end, attrs):
		return 0.95, "tag", false
	case name == "script":
		return 0.6, "tag named in text", false
	case handler && calm.calm:
		return 0.65, "tag with an event handler calling page code", plain
	case handler:
		return 0.93, "tag with an event handler", false
	case hasScriptURL(attrs) && !calm.calm: // calm allows only inert ones
		return 0.92, "tag with a script URL", false
	case name == "style" && calm.calm && s[i+1] != '/' && x.calmStyle(s, end):
		return 0.5, "element with a plain stylesheet", true
	case execTags[name] && len(attrs) > 0 && calm.calm && framesOnly[name]:
		return 0.5, "tag with plain attributes", plain
	case execTags[name] && len(attrs) > 0:
		return 0.75, "tag with attributes", false
	case execTags[name]:
		return 0.5, "tag", plain
	}
	return 0.35, "HTML tag", plain
}

// injectedHandler looks at s[i] == 'o' for an event handler injected by
// closing an attribute quote: " onmouseover=...
func (x *xssScan) injectedHandler(s string, i int) {
	if i > 0 && (s[i-1] == ' ' || s[i-1] == '"' || s[i-1] == '\'' || s[i-1] == '/') &&
		handlerAt(s, i) && quoteBefore(s, i) {
		x.see(0.85, "quote closed then event handler")
	}
}

// scriptURL looks at s[i] for a javascript: or vbscript: URL where a value
// starts, followed by code.
func (x *xssScan) scriptURL(s string, i int) {
	if !strings.HasPrefix(s[i:], "javascript:") && !strings.HasPrefix(s[i:], "vbscript:") ||
		inertScriptURL(s[i:]) {
		return
	}
	if i > 0 && strings.IndexByte("\"'=( `", s[i-1]) < 0 {
		return
	}
	k := strings.IndexByte(s[i:], ':') + i + 1
	if k < len(s) && (isWordByte(s[k]) || strings.IndexByte("/({[`'\"", s[k]) >= 0) {
		x.see(0.8, "script URL")
	}
}

// documentURLs are data: URL types a browser renders as a page of its own,
// running the script inside.
var documentURLs = []string{"data:text/html", "data:image/svg+xml", "data:application/xhtml+xml"}

// documentURL looks at s[i] == 'd' for a data: URL holding an HTML or SVG
// document where a value starts: data:text/html;base64,PHNj...
func (x *xssScan) documentURL(s string, i int) {
	if i > 0 && strings.IndexByte("\"'=( `", s[i-1]) < 0 {
		return
	}
	for _, u := range documentURLs {
		if strings.HasPrefix(s[i:], u) {
			if k := i + len(u); k < len(s) && (s[k] == ',' || s[k] == ';') {
				x.see(0.8, "data URL holding a document")
			}
			return
		}
	}
}

// scriptRuns reports whether a <script> tag ending at s[end] would run
// something: it has attributes, a closing tag follows, or code follows it
// rather than prose ("<script> tags in React").
func scriptRuns(s string, end int, attrs string) bool {
	if strings.TrimSpace(attrs) != "" || strings.Contains(s[end:], "</script") {
		return true
	}
	rest := s[min(len(s), end+1):]
	rest = rest[:min(len(rest), 24)]
	return strings.ContainsAny(rest, "();=.[`")
}

// plainElements are common HTML and SVG elements that, with calm
// attributes, lay out or frame content and run nothing: libinjection's
// verdict on them (it flags every style attribute) is not asked for, nor
// on calm JSX, whose components are not HTML elements at all, unless it
// fetches something through a src.
var plainElements = wordSet(`a abbr b blockquote body br button center code div em
	font footer h1 h2 h3 h4 h5 h6 header hr i iframe img input label li main nav ol
	option p pre section select small span strong sub sup svg path g circle rect table
	tbody td textarea tfoot th thead tr u ul`)

// calmStyle reports whether the <style> element whose start tag ends at
// s[end] holds a calm stylesheet, and if so lets its closing tag pass.
func (x *xssScan) calmStyle(s string, end int) bool {
	at, ok := calmStyleElement(s, end)
	if ok {
		x.quietClose, x.quietName = at, "style"
	}
	return ok
}

// framesOnly are the elements of execTags whose calm attributes (sizes,
// an http(s) frame source, SVG geometry) run nothing in the page.
var framesOnly = map[string]bool{"iframe": true, "svg": true}

// nothingInside reports whether a <script> tag ending at s[end] has no
// inline code: only white space up to its closing tag or the end of s.
func nothingInside(s string, end int) bool {
	j := skipSpace(s, min(len(s), end+1))
	return j == len(s) || strings.HasPrefix(s[j:], "</script")
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

// xssMarkers are CSS, XML and encoding constructs that run script or load
// active content without an HTML event handler. White space inside them is
// ignored.
var xssMarkers = []struct{ anchor, text string }{
	{"expression", ":expression("}, {"expression", "=expression("},
	{"script", "url(javascript"}, {"script", "url(vbscript"}, {"binding", "-moz-binding"},
	{"behavior", "behavior:url"}, {"formaction", "formaction="},
	{"xlink", "xlink:href=\"javascript"}, {"xlink", "xlink:href='javascript"},
	{"handler", "ev:handler"}, {"include", "xi:include"}, {"import", "<?import"},
	{"+adw", "+adw-script"}, {"+adw", "+adw-/script"}, {"entity", "<!entity"},
}

// markerTexts finds the spaced forms of xssMarkers; bit k stands for
// xssMarkers[k].
var markerTexts = func() *spacedSet {
	texts := make([]string, len(xssMarkers))
	for k, m := range xssMarkers {
		texts[k] = m.text
	}
	return newSpacedSet(texts...)
}()

// scriptURLs are URL schemes and CSS functions that run script.
var scriptURLs = newSpacedSet("javascript:", "vbscript:", "data:text/html", "livescript:",
	"expression(")

// hasScriptURL reports whether tag attributes hold a javascript:, vbscript:
// or data:text/html URL, ignoring white space inside it (jav	ascript:) as
// browsers do.
func hasScriptURL(attrs string) bool { return scriptURLs.in(attrs) }

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
	// A sink is looked for where it starts in the first 64 bytes, after
	// the first quote there, which must close a short value.
	q := strings.IndexAny(s[:min(len(s), 64)], "'\"`")
	if q < 0 || !valueLike(s[:q]) {
		return false
	}
	for _, sink := range []string{"alert", "prompt", "confirm", "eval", "document.cookie",
		"fromcharcode", "document.write", "window.location"} {
		k := strings.Index(s[:min(len(s), 64+len(sink))], sink)
		if k <= q {
			continue
		}
		between := strings.TrimSpace(s[q+1 : k])
		if between == "" || strings.Trim(between, ";+-*/|&,)}({") == "" {
			return true
		}
	}
	return false
}
