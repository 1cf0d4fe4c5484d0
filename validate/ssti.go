package validate

import "strings"

// maxTemplateTags bounds how many template tags one text has judged, so a
// text made of delimiters costs linear time with a small constant.
// TODO: a payload after 64 harmless template tags is not seen; raising the
// bound trades speed on hostile input for that case.
const maxTemplateTags = 64

// detectSSTI scores server-side template injection: template delimiters
// ({{ }}, ${ }, #{ }, <%= %>, {% %}, *{ }) around an expression rather than a
// plain name, especially one that walks object internals (__class__,
// getRuntime) or computes (7*7).
func detectSSTI(in *input, c Context) (float64, string) {
	s := in.low
	if strings.IndexByte(s, '{') < 0 && !strings.Contains(s, "<%") && !strings.Contains(s, "@(") &&
		(strings.IndexByte(s, '#') < 0 || !strings.Contains(s, "<#") && !strings.Contains(s, "[#")) {
		return 0, "" // every delimiter has one of these
	}
	var h hit
	// next remembers, per closing delimiter, where it next occurs, so
	// each is searched for once per stretch of text: linear overall.
	next := map[string]int{}
	tags := 0
	for i := 0; i+1 < len(s) && tags < maxTemplateTags; i++ {
		open, close := "", ""
		switch {
		case s[i] == '{' && (s[i+1] == '{' || s[i+1] == '%'):
			open, close = s[i:i+2], "}}"
			if s[i+1] == '%' {
				close = "%}"
			}
		case (s[i] == '$' || s[i] == '#' || s[i] == '*' || s[i] == '@') && s[i+1] == '{',
			s[i] == '{' && s[i+1] == '$':
			open, close = s[i:i+2], "}"
		case s[i] == '@' && s[i+1] == '(':
			open, close = "@(", ")"
		case s[i] == '<' && s[i+1] == '%':
			open, close = "<%", "%>"
		case s[i] == '<' && s[i+1] == '#':
			open, close = "<#", ">" // FreeMarker directives: <#assign x = ...>
		case s[i] == '[' && s[i+1] == '#':
			open, close = "[#", "]" // and their square-bracket syntax
		default:
			continue
		}
		start := i + len(open)
		if start < len(s) && strings.IndexByte("{%$#", s[start]) >= 0 {
			continue // a run of delimiters ({{{{): judge the innermost
		}
		tags++
		at, seen := next[close]
		if !seen || at >= 0 && at < start {
			at = strings.Index(s[start:], close)
			if at >= 0 {
				at += start
			}
			next[close] = at
		}
		body := s[start:]
		end, closed := at-start, at >= 0 && at-start <= 4096
		if !closed {
			end = min(len(body), 64)
		}
		score, why := templateTag(open, body[:end])
		if !closed {
			score -= 0.2
		}
		if score > 0 && h.beats(score) {
			h.see(score, open+" "+why)
		}
		i += len(open) - 1
	}
	return h.score, h.detail
}

// templateInternals are names that reach a template engine's object model,
// runtime or files.
var templateInternals = []string{
	"__class__", "__globals__", "__init__", "__mro__", "__subclasses__", "__builtins__",
	"__import__", "getruntime", "processbuilder", "popen", "os.system", ".system(", "exec(",
	"eval(", "forname", "t(java", "request.application", "self._template", "config.items",
	"lipsum", "cycler", "joiner", "freemarker", "new(", "runtime", "constructor",
	"subclasses", "getclass", "readfile", "file(", "request[", ".class", "system(",
	"|attr(", "|filter(", "|join", "attr(", "filter(", "dump(",
	"file.", ".open(", "?new", "execute", "smarty", "getenv", "process.", "require(",
	"call .", "'system'", "\"system\"", "'passthru'", "\"passthru\"", "'shell_exec'",
}

// templateContextNames are names that reach the template's context or
// other templates: a probe in an output tag ({{ config }}, {{ self.x }}),
// but what ordinary control tags are about ({% include 'nav.html' %},
// {% if request.user.is_staff %}, {% if product.tags contains 'sale' %}).
var templateContextNames = []string{
	"namespace", "include", "import ", "request.", "self.", "settings", "config", "_self",
	"env.", "application",
}

// controlTags are the statement names of {% %} tags in Jinja, Django,
// Twig, Nunjucks and Liquid that branch, loop, compose templates or set
// variables.
var controlTags = wordSet(`if elif elsif else endif unless endunless for endfor empty
	while endwhile case when endcase include extends block endblock import from set
	endset assign capture endcapture with endwith url static load trans blocktrans
	endblocktrans comment endcomment raw endraw render section macro endmacro csrf_token
	cycle now spaceless endspaceless verbatim endverbatim`)

// composeTags are the control tags that load another template by name:
// a name taken from the request reads any file the engine can.
var composeTags = wordSet(`include extends import from render`)

// templateTag scores the body of a template tag opened by open. A {% %}
// tag starting with a control name is judged without the context names
// its statement plainly uses.
func templateTag(open, body string) (float64, string) {
	if (open == "<%" || open == "#{") && strings.IndexByte(body, '`') >= 0 {
		return 0.9, "template expression running a shell command"
	}
	if open == "{{" && printsContext(body) {
		return 0.8, "template printing its whole context"
	}
	keyword := ""
	if open == "{%" {
		keyword = wordAt(strings.TrimLeft(body, "-+ \t\n"), 0)
	}
	statement := controlTags[keyword]
	if composeTags[keyword] && strings.Contains(body, "request") {
		return 0.85, "template " + keyword + " of request data"
	}
	if !statement {
		for _, m := range templateContextNames {
			if strings.Contains(body, m) {
				return 0.92, "template expression reaching " + strings.Trim(m, "(. |?")
			}
		}
	}
	return templateExpr(body)
}

// printsContext reports a Go template call that formats the whole data
// context, the dot: {{ printf "%#v" . }}, {{ print $ }}.
func printsContext(body string) bool {
	t := strings.TrimSpace(strings.TrimPrefix(body, "-"))
	t = strings.TrimSpace(strings.TrimSuffix(t, "-"))
	if f := wordAt(t, 0); f != "printf" && f != "print" && f != "println" {
		return false
	}
	return strings.HasSuffix(t, " .") || strings.HasSuffix(t, " $")
}

// templateObjects are objects whose bare mention in a template tag is a
// probe: {{self}}, {{ request }}. Not this: Handlebars' {{this}} prints
// the item of an {{#each}}.
var templateObjects = wordSet(`self request app config settings _self session
	_context _env g url_for get_flashed_messages`)

// templateExpr scores the body of a template tag.
func templateExpr(e string) (float64, string) {
	for _, m := range templateInternals {
		if strings.Contains(e, m) {
			return 0.92, "template expression reaching " + strings.Trim(m, "(. |?")
		}
	}
	trimmed := strings.TrimSpace(e)
	if trimmed == "" {
		return 0, ""
	}
	if templateObjects[trimmed] {
		return 0.8, "template tag naming " + trimmed
	}
	if arithmeticProbe(trimmed) {
		return 0.88, "template arithmetic probe"
	}
	if strings.HasPrefix(trimmed, "if true") || strings.HasPrefix(trimmed, "if 1") {
		return 0.85, "template condition on a constant"
	}
	if root, ok := methodCall(trimmed); ok {
		if root == "" || templateObjects[root] || isDigit(root[0]) {
			// {{'a'.toUpperCase()}}, {% for k in config.iteritems() %}
			return 0.8, "template method call on a literal or the engine's objects"
		}
		// {{ order.date.strftime('%d') }}, {{ price.toFixed(2) }}: what
		// templates being debugged call; strict blocks it, chat does not.
		return 0.6, "template method call"
	}
	if strings.ContainsAny(trimmed, "()[]'\"|") {
		return 0.6, "template expression"
	}
	return 0.35, "template variable"
}

// arithmeticProbe reports a short computation on literals (7*7, 7*'7',
// 1+2): how template injection is usually confirmed.
func arithmeticProbe(e string) bool {
	if len(e) > 24 {
		return false
	}
	var b [24]byte
	n := 0
	for i := 0; i < len(e); i++ {
		if c := e[i]; c != ' ' && c != '\'' && c != '"' {
			b[n] = c
			n++
		}
	}
	for i := 1; i+1 < n; i++ {
		if strings.IndexByte("*+-/%", b[i]) >= 0 && isDigit(b[i-1]) && isDigit(b[i+1]) {
			return true
		}
	}
	return false
}

// methodCall reports name.method( inside a template expression, and the
// name its chain starts from: "" when that is a literal ('a'.upper()).
func methodCall(e string) (root string, ok bool) {
	for i := 1; i < len(e); i++ {
		if e[i] != '(' {
			continue
		}
		j := i
		for j > 0 && isWordByte(e[j-1]) {
			j--
		}
		if j < i && j > 0 && e[j-1] == '.' {
			m := j - 1
			for m > 0 && (isWordByte(e[m-1]) || e[m-1] == '.') {
				m--
			}
			root, _, _ = strings.Cut(e[m:j-1], ".")
			return root, true
		}
	}
	return "", false
}
