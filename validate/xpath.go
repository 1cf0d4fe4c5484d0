package validate

import "strings"

// xpathFuncs are XPath functions and axes that probe a document's shape.
var xpathFuncs = []string{
	"count(/", "name(", "text()", "node()", "comment()", "string-length(",
	"substring(", "contains(", "position()", "last()", "child::", "parent::",
	"ancestor::", "descendant::", "codepoints-to-string", "string(//", "//*",
	"/*[", "//user", "processing-instruction(", "local-name(", "normalize-space(",
	"starts-with(", "doc(", "@*",
}

// detectXPath scores XPath injection: a quote that closes a string followed
// by or/and/] and XPath functions or paths probing the document.
func detectXPath(in *input, c Context) (float64, string) {
	s := in.sql
	var h hit
	q := strings.IndexAny(s[:min(len(s), 64)], "'\"")
	breakout := false
	if q >= 0 && valueLike(s[:q]) {
		rest := strings.TrimLeft(s[q+1:], " )]")
		breakout = strings.HasPrefix(rest, "or ") || strings.HasPrefix(rest, "and ") ||
			strings.HasPrefix(rest, "|") || strings.HasPrefix(rest, "]")
	}
	whole := !strings.Contains(strings.TrimSpace(s), " ")
	if !breakout && !whole && c == Chat {
		return 0, "" // XPath in running text counts only in strict context
	}
	fn := ""
	for _, f := range xpathFuncs {
		if strings.Contains(s, f) {
			fn = f
			break
		}
	}
	switch {
	case breakout && fn != "":
		h.see(0.92, "quote closed then XPath "+fn)
	case fn != "" && whole && strings.Contains(s, "//"):
		h.see(0.8, "XPath expression "+fn+" as a value")
	case breakout && strings.Contains(s, "]"):
		h.see(0.75, "quote closed inside a predicate")
	case fn != "":
		h.see(0.35, "XPath function "+fn)
	}
	return h.score, h.detail
}
