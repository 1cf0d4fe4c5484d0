package validate

import "strings"

// detectSSTI scores server-side template injection: template delimiters
// ({{ }}, ${ }, #{ }, <%= %>, {% %}, *{ }) around an expression rather than a
// plain name, especially one that walks object internals (__class__,
// getRuntime) or computes (7*7).
func detectSSTI(in *input, c Context) (float64, string) {
	s := in.low
	var h hit
	for i := 0; i+1 < len(s); i++ {
		open, close := "", ""
		switch {
		case s[i] == '{' && (s[i+1] == '{' || s[i+1] == '%'):
			open, close = s[i:i+2], "}}"
			if s[i+1] == '%' {
				close = "%}"
			}
		case (s[i] == '$' || s[i] == '#' || s[i] == '*' || s[i] == '@') && s[i+1] == '{':
			open, close = s[i:i+2], "}"
		case s[i] == '<' && s[i+1] == '%':
			open, close = "<%", "%>"
		default:
			continue
		}
		body := s[i+len(open):]
		end := strings.Index(body[:min(len(body), 4096)], close)
		closed := end >= 0
		if !closed {
			end = min(len(body), 256)
		}
		score, why := templateExpr(body[:end])
		if !closed {
			score -= 0.2
		}
		if score > 0 {
			h.see(score, open+" "+why)
		}
		i += len(open) - 1
	}
	return h.score, h.detail
}

// templateExpr scores the body of a template tag.
func templateExpr(e string) (float64, string) {
	for _, m := range []string{"__class__", "__globals__", "__init__", "__mro__", "__subclasses__",
		"__builtins__", "__import__", "getruntime", "processbuilder", "popen", "os.system",
		".system(", "exec(", "eval(", "forname", "t(java", "request.application",
		"self._template", "config.items", "lipsum", "cycler", "joiner", "namespace",
		"freemarker", "new(", "runtime", "constructor", "subclasses", "getclass",
		"readfile", "include", "import ", "file(", "request[", "request.", "self.", "settings",
		"config", ".class", "_self", "env.", "system(", "application", "product"} {
		if strings.Contains(e, m) {
			return 0.92, "template expression reaching " + strings.Trim(m, "(. ")
		}
	}
	trimmed := strings.TrimSpace(e)
	if trimmed == "" {
		return 0, ""
	}
	arith := false
	for i := 1; i+1 < len(trimmed); i++ {
		if strings.IndexByte("*+-/%", trimmed[i]) >= 0 && isDigit(trimmed[i-1]) && isDigit(trimmed[i+1]) {
			arith = true
		}
	}
	if arith && len(trimmed) < 24 {
		return 0.85, "template arithmetic probe"
	}
	if strings.ContainsAny(trimmed, "()[]'\"|") {
		return 0.6, "template expression"
	}
	return 0.35, "template variable"
}
