package validate

import "strings"

// Chat text quotes markup while asking about it: JSX with arrow functions,
// an onclick calling the page's own function, a script loaded from the
// site, an SVG icon, an e-mail table with inline styles. The functions here
// tell such calm markup from markup that would do harm if rendered, so that
// the chat context can score it below its threshold while strict, with its
// lower threshold, still blocks it.

// TODO: a calm handler in a text that also held an escape anywhere (a
// %20 in a URL) is raised over the chat threshold by detectXSS's
// "(encoded)" step, which cannot tell where the escape was (the decoded
// text keeps no offsets into the raw one); and a handler
// calling a function the attacker's own page defines (makePopups()) or an
// iframe framing an attacker's https page passes in chat, being the same
// text as the markup people ask about.

// hasEscapes reports whether raw text holds an escape that decoding
// undoes: a numeric entity (&#97;), a named one for code punctuation
// (&lpar;), a %hh or a \x or \u escape. &lt; &gt; &amp; &quot; are how
// HTML is quoted in text and do not count.
func hasEscapes(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		switch c := raw[i]; {
		case c == '%' && isHex(raw[i+1]) && isHex(raw[i+2]):
			return true
		case c == '\\' && (raw[i+1] == 'x' || raw[i+1] == 'u'):
			return true
		case c == '&' && raw[i+1] == '#':
			return true
		case c == '&' && isAlpha(raw[i+1]):
			if k := strings.IndexByte(raw[i+1:min(len(raw), i+12)], ';'); k > 0 &&
				punctuationEntity(raw[i+1:i+1+k]) {
				return true
			}
		}
	}
	return false
}

// punctuationEntities are the named entities that spell code punctuation
// (alert&lpar;1&rpar;, java&Tab;script&colon;), which nobody quoting HTML
// in text writes.
var punctuationEntities = strings.Fields(`lpar rpar colon tab newline sol bsol grave semi
	equals excl quest period lowbar num lsqb rsqb lcub rcub plus comma`)

// punctuationEntity reports whether name, in any case, is one of
// punctuationEntities.
func punctuationEntity(name string) bool {
	for _, e := range punctuationEntities {
		if strings.EqualFold(name, e) {
			return true
		}
	}
	return false
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

// maxAttrValue bounds how far a quoted or braced attribute value is read.
const maxAttrValue = 512

// attr is one attribute of a tag: its name, its value without quotes or
// braces, how the value was written and where the attribute ends in s.
type attr struct {
	name, value string
	delim       byte // '"', '\'', '{' (JSX), ' ' (unquoted) or 0 (no value)
	end         int
	closed      bool // a quoted or braced value ended within maxAttrValue
}

// nextAttr reads the attribute starting at or after s[i], or returns
// ok false at the end of the tag (a '>' or '<' outside a value, or the end
// of s). A value may run past a '>' inside quotes or braces (JSX arrows).
func nextAttr(s string, i int) (a attr, ok bool) {
	for i < len(s) && (isSpace(s[i]) || s[i] == '/') {
		i++
	}
	if i >= len(s) || s[i] == '>' || s[i] == '<' {
		return a, false
	}
	if s[i] == '{' { // a JSX spread, {...props}: a value without a name
		a.value, a.delim, a.end, a.closed = attrValueAt(s, i)
		return a, true
	}
	j := i
	for j < len(s) && !attrNameEnd[s[j]] {
		j++
	}
	a.name = s[i:j]
	k := skipSpace(s, j)
	if k >= len(s) || s[k] != '=' {
		if j == i { // a stray quote where a name belongs
			j++
		}
		a.end, a.closed = j, true
		return a, true
	}
	k = skipSpace(s, k+1)
	a.value, a.delim, a.end, a.closed = attrValueAt(s, k)
	return a, true
}

// attrValueAt reads the attribute value starting at s[k]: quoted, braced
// (counting nested braces) or unquoted up to white space or '>'.
func attrValueAt(s string, k int) (value string, delim byte, end int, closed bool) {
	if k >= len(s) {
		return "", ' ', k, false
	}
	lim := min(len(s), k+1+maxAttrValue)
	switch c := s[k]; c {
	case '"', '\'':
		if q := strings.IndexByte(s[k+1:lim], c); q >= 0 {
			return s[k+1 : k+1+q], c, k + 2 + q, true
		}
		return s[k+1 : lim], c, lim, false
	case '{':
		depth := 0
		for j := k; j < lim; j++ {
			switch s[j] {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					return s[k+1 : j], '{', j + 1, true
				}
			}
		}
		return s[k+1 : lim], '{', lim, false
	}
	// An unquoted value is read up to a '<' too, and as far as a quoted
	// one, so that a run of tags each reads only its own stretch.
	j := k
	for j < lim && !isSpace(s[j]) && s[j] != '>' && s[j] != '<' {
		j++
	}
	return s[k:j], ' ', j, j < lim || lim == len(s)
}

// tagCalm describes the attributes of one tag for the chat context.
type tagCalm struct {
	calm     bool // every attribute is harmless if rendered
	handlers bool // an on* attribute was read (all of them when calm)
	localSrc bool // a src attribute naming a script file on this site
	jsx      bool // a braced value or spread: JSX, perhaps of a component
	loads    bool // a src attribute, which makes the element fetch something
}

// judgeAttrs reads the attributes of a tag starting at s[i] and says
// whether they are all calm. Absolute http(s) URLs are calm only when
// absOK, for elements that cannot run script from them (an iframe frames
// another origin; a script or embed from another host runs in this page).
func judgeAttrs(s string, i int, absOK bool) tagCalm {
	t := tagCalm{calm: true}
	for n := 0; ; n++ {
		a, ok := nextAttr(s, i)
		if !ok {
			return t
		}
		if a.end <= i || n > 64 {
			t.calm = false
			return t
		}
		i = a.end
		if !a.closed || !calmAttr(a, absOK, &t) {
			t.calm = false
			return t
		}
	}
}

// calmAttr judges one attribute, noting handlers, local sources and JSX
// in t.
func calmAttr(a attr, absOK bool, t *tagCalm) bool {
	t.jsx = t.jsx || a.delim == '{'
	switch {
	case a.name == "":
		return a.delim == '{' && calmCode(a.value)
	case a.delim == 0:
		return calmName(a.name)
	case len(a.name) > 2 && strings.HasPrefix(a.name, "on") && allLetters(a.name):
		t.handlers = true
		return (a.delim == '"' || a.delim == '\'' || a.delim == '{') && calmCode(a.value)
	case a.name == "xmlns":
		return a.delim != '{' && httpURL(a.value)
	case a.name == "style" && a.delim == '{': // a JSX style object
		return calmCode(a.value)
	case a.name == "style":
		return calmCSS(a.value)
	case urlAttrs[a.name]:
		if a.delim == '{' {
			return calmCode(a.value)
		}
		local := relativeURL(a.value)
		t.loads = t.loads || a.name == "src"
		if a.name == "src" && local && scriptFile(a.value) {
			t.localSrc = true
		}
		return local || absOK && httpURL(a.value) || inertScriptURL(a.value)
	case a.delim == '{':
		return calmName(a.name) && calmCode(a.value)
	}
	return calmName(a.name) && calmValue(a.value)
}

// urlAttrs are attributes whose value is a URL the browser loads or
// follows.
var urlAttrs = map[string]bool{"src": true, "href": true, "background": true, "poster": true,
	"action": true}

// attrNameEnd marks the bytes that end an attribute name: white space and
// =/><"'{.
var attrNameEnd = func() (t [256]bool) {
	for _, c := range []byte(" \t\n\r\f\v=/><\"'{") {
		t[c] = true
	}
	return t
}()

// calmNames are attribute names that neither load content nor run script,
// besides data-* and aria-* ones.
var calmNames = wordSet(`alt title class classname id name type value width height
	border align valign bgcolor color cellpadding cellspacing colspan rowspan role lang
	dir target rel placeholder disabled checked selected readonly required hidden for
	htmlfor key ref async defer crossorigin integrity loading frameborder allowfullscreen
	allow sandbox referrerpolicy viewbox fill stroke stroke-width d x y cx cy r rx ry points
	transform open label tabindex autocomplete maxlength min max step size rows cols
	wrap method enctype charset`)

// calmName reports whether an attribute name is harmless in itself.
func calmName(n string) bool {
	return calmNames[n] || strings.HasPrefix(n, "data-") || strings.HasPrefix(n, "aria-")
}

// allLetters reports whether s is ASCII letters only.
func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlpha(s[i]) {
			return false
		}
	}
	return true
}

// calmValue reports whether a plain attribute value holds nothing a
// browser would decode or run: no markup, escapes, backticks or script
// URL.
func calmValue(v string) bool {
	return !strings.ContainsAny(v, "<>\\`") && !strings.Contains(v, "&#") && !scriptURLs.in(v)
}

// relativeURL reports whether v is a plain path or fragment on this site:
// no scheme, not protocol-relative, no escapes or placeholders.
func relativeURL(v string) bool {
	if v == "" || strings.HasPrefix(v, "//") {
		return false
	}
	return urlChars(v)
}

// httpURL reports whether v is a plain http or https URL.
func httpURL(v string) bool {
	rest, ok := strings.CutPrefix(v, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(v, "http://")
	}
	return ok && rest != "" && urlChars(rest)
}

// urlChars reports whether v has only the bytes of a plain path and query
// (spaces included: a quoted URL is decoded before it is judged).
func urlChars(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isWordByte(c) && strings.IndexByte("-./~?=&#+,;@!$*% ", c) < 0 {
			return false
		}
	}
	return true
}

// calmCSS reports whether an inline style is plain declarations, as in
// e-mail templates: a calmStylesheet without braces, '>' or line breaks.
func calmCSS(v string) bool {
	return !strings.ContainsAny(v, "{}>\n\r") && calmStylesheet(v)
}

// calmStylesheet reports whether CSS is plain rules and declarations: no
// comments, escapes, attribute selectors, at-rules, markup or IE script
// hooks (expression, behavior, -moz-binding), and no url() but to an
// http(s) URL or a relative image.
func calmStylesheet(v string) bool {
	if strings.ContainsAny(v, "[]\\<`=@&") || strings.Contains(v, "/*") {
		return false
	}
	for _, w := range []string{"expression", "behavior", "behaviour", "binding"} {
		if strings.Contains(v, w) {
			return false
		}
	}
	for rest := v; ; {
		k := strings.Index(rest, "url(")
		if k < 0 {
			return true
		}
		rest = rest[k+4:]
		e := strings.IndexByte(rest, ')')
		if e < 0 {
			return false
		}
		u := strings.Trim(rest[:e], "'\" ")
		if !httpURL(u) && !(relativeURL(u) && imageFile(u)) {
			return false
		}
		rest = rest[e+1:]
	}
}

// maxStylesheet bounds how far a <style> element's content is read.
const maxStylesheet = 4096

// calmStyleElement reports whether the <style> element whose start tag
// ends at s[end] holds a calm stylesheet and is closed, and returns where
// its closing tag starts.
func calmStyleElement(s string, end int) (closeAt int, ok bool) {
	from := min(len(s), end+1)
	body := s[from:min(len(s), from+maxStylesheet)]
	k := strings.Index(body, "</style")
	if k < 0 || !calmStylesheet(body[:k]) {
		return 0, false
	}
	return from + k, true
}

// inertScriptURLs are the javascript: URLs that do nothing, written in
// links that a handler drives: href="javascript:void(0)".
var inertScriptURLs = []string{"javascript:void(0);", "javascript:void(0)", "javascript:void 0",
	"javascript:;", "javascript:"}

// inertScriptURL reports whether s starts with an inert javascript: URL
// that ends there: at the end of s, a quote, white space or '>'.
func inertScriptURL(s string) bool {
	for _, u := range inertScriptURLs {
		if strings.HasPrefix(s, u) {
			k := len(u)
			return k == len(s) || strings.IndexByte("\"' >", s[k]) >= 0 || isSpace(s[k])
		}
	}
	return false
}

// scriptFile reports whether a URL's path, before any query or fragment,
// names a script file (app.js, ./main.mjs, /static/index.ts).
func scriptFile(u string) bool {
	if k := strings.IndexAny(u, "?#"); k >= 0 {
		u = u[:k]
	}
	for _, ext := range []string{".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx"} {
		if strings.HasSuffix(u, ext) {
			return true
		}
	}
	return false
}

// imageFile reports whether a URL path names a raster image.
func imageFile(u string) bool {
	for _, ext := range []string{".png", ".jpg", ".jpeg", ".gif", ".webp"} {
		if strings.HasSuffix(u, ext) {
			return true
		}
	}
	return false
}

// calmCode reports whether handler code, or a JSX expression, only calls
// the page's own names: no sink identifier (jsSinkNames), no call of
// open() (window.open; a variable named open is state), no string given to
// a timer or Function, no URL of another host, no tagged template
// (alert`1`), no backslash, no string-keyed lookup (x['al'+'ert']) and no
// entity.
func calmCode(code string) bool {
	if strings.IndexByte(code, '\\') >= 0 || strings.Contains(code, "&#") || namesHost(code) {
		return false
	}
	inLiteral := false // inside a template literal
	for i := 0; i < len(code); i++ {
		c := code[i]
		if c == '[' && i+1 < len(code) && strings.IndexByte("'\"`", code[i+1]) >= 0 {
			return false
		}
		if c == '`' {
			if !inLiteral && taggedAt(code, i) {
				return false
			}
			inLiteral = !inLiteral
			continue
		}
		if !isIdentByte(c) || i > 0 && isIdentByte(code[i-1]) {
			continue
		}
		j := i
		for j < len(code) && isIdentByte(code[j]) {
			j++
		}
		name := code[i:j]
		if jsSinkNames[name] || stringRunners[name] && calledWithString(code, j) ||
			name == "open" && callAt(code, j) >= 0 {
			return false
		}
		i = j - 1
	}
	return true
}

// namesHost reports whether code holds a string literal that starts with
// an absolute or protocol-relative URL: where a handler would send data
// (new Image().src='//evil.example/?'+...) or the user.
func namesHost(code string) bool {
	for i := 0; i+2 < len(code); i++ {
		if c := code[i]; c == '\'' || c == '"' || c == '`' {
			r := code[i+1:]
			if strings.HasPrefix(r, "//") || strings.HasPrefix(r, "http:") || strings.HasPrefix(r, "https:") {
				return true
			}
		}
	}
	return false
}

// taggedAt reports whether the backtick opening a template literal at
// code[i] follows a name or a call, making it a tagged call: alert`1`,
// x()`1`. navigate(`/users/${id}`) is a plain string.
func taggedAt(code string, i int) bool {
	j := i - 1
	for j >= 0 && isSpace(code[j]) {
		j--
	}
	return j >= 0 && (isIdentByte(code[j]) || code[j] == ')' || code[j] == ']')
}

// stringRunners are calls that run code only when given it as a string:
// setTimeout(() => close(), 200) and function () {...} are page code,
// setTimeout('alert(1)') and Function('...') are not.
var stringRunners = wordSet(`settimeout setinterval setimmediate function`)

// callAt returns the index of the first argument when code[j:] is a call's
// opening parenthesis, or -1.
func callAt(code string, j int) int {
	k := skipSpace(code, j)
	if k >= len(code) || code[k] != '(' {
		return -1
	}
	return skipSpace(code, k+1)
}

// calledWithString reports whether code[j:] is a call whose first argument
// is a string literal.
func calledWithString(code string, j int) bool {
	k := callAt(code, j)
	return k >= 0 && k < len(code) && (code[k] == '\'' || code[k] == '"')
}

// isIdentByte reports whether c can be part of a JavaScript identifier
// (ASCII only).
func isIdentByte(c byte) bool { return isWordByte(c) || c == '$' }

// jsSinkNames are lower-case JavaScript and VBScript identifiers through
// which handler code reaches secrets, navigation, the network or code
// evaluation; real handlers being discussed call the page's own functions.
// document itself is not one (document.getElementById is everyday code):
// its dangerous members (cookie, domain, write, location...) are.
var jsSinkNames = wordSet(`alert prompt confirm eval execscript cookie domain location fetch
	xmlhttprequest import atob fromcharcode fromcodepoint constructor prototype __proto__
	window top self parent globalthis frames opener write writeln
	innerhtml outerhtml insertadjacenthtml srcdoc javascript vbscript msgbox inputbox
	createelement appendchild localstorage sessionstorage sendbeacon ownerdocument
	defaultview websocket postmessage`)
