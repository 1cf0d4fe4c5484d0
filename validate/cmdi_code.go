package validate

import "strings"

// shownCodeScore is the most a separator, backtick or substitution inside
// code shown in a sentence scores: below the chat threshold, above the
// strict one, since a field that holds markdown is not an identifier.
const shownCodeScore = 0.55

// shownCode tells, for offsets of a text asked about in order, whether
// they lie in markdown code a person shows in a sentence: an inline span
// or a fenced block that stands apart from the words around it, in a text
// that holds more than that code, and whose code reaches none of
// [secretFiles]. A substitution there is what someone asks about, not a
// value broken out of.
type shownCode struct {
	s     string
	lead  int // the index of the first byte of s that is not white space
	md    codeCursor
	last  codeRegion
	valid bool // last holds a region already judged
	shown bool // last is shown code
}

// newShownCode returns a shownCode for s; for a text with neither
// backticks nor tildes it finds no code without reading s.
func newShownCode(s string) shownCode {
	c := shownCode{s: s, lead: skipSpace(s, 0), md: codeCursor{s: s}}
	if strings.IndexByte(s, '`') < 0 && strings.IndexByte(s, '~') < 0 {
		c.md.done = true
	}
	return c
}

// at reports whether s[i] lies in shown code. i must not be less than in
// the previous call.
func (c *shownCode) at(i int) bool {
	if c.md.done && !c.valid {
		return false // a text with no code at all
	}
	r, ok := c.md.at(i)
	if !ok {
		return false
	}
	if !c.valid || r != c.last {
		c.last, c.valid = r, true
		c.shown = r.setOff(c.s) && !c.whole(r) && !inTemplateTag(c.s, r.start) &&
			!shownReachesSecret(c.s[r.body:r.bodyEnd])
	}
	return c.shown
}

// whole reports whether r is all of the text but white space: a value
// that is one backtick substitution (`id`) is not code in a sentence.
func (c *shownCode) whole(r codeRegion) bool {
	return c.lead >= r.start && skipSpace(c.s, r.end) == len(c.s)
}

// reachesSecret reports whether code names one of [secretFiles], which a
// command shown in a sentence reads only when it attacks.
func reachesSecret(code string) bool {
	return strings.IndexByte(code, '/') >= 0 && secretIn(code) != ""
}

// shownReachesSecret is [reachesSecret] for code shown in a sentence, where
// /etc/passwd does not count: it is readable by everyone and what admin
// questions parse (`awk -F: '{print $1}' /etc/passwd | sort`).
func shownReachesSecret(code string) bool {
	if strings.Contains(code, "etc/passwd") {
		code = strings.ReplaceAll(code, "etc/passwd", "")
	}
	return reachesSecret(code)
}

// opens reports whether the backtick at s[i] delimits shown code: it
// opens or closes an inline span or belongs to a fence line.
// It must be called after at(i).
func (c *shownCode) opens(i int) bool {
	r := c.last
	if !c.valid || !c.shown || !r.contains(i) {
		return false
	}
	return i < r.body || i >= r.bodyEnd
}

// templateOpeners open template tags and interpolations whose code runs:
// a backtick substitution in ERB (<%= `id` %>) or Ruby ("#{`id`}") runs
// a shell.
var templateOpeners = []string{"<%=", "<%", "#{", "${", "{{"}

// inTemplateTag reports whether the text before s[i] ends in one of
// templateOpeners, maybe followed by spaces.
func inTemplateTag(s string, i int) bool {
	j := i
	for j > 0 && i-j < 8 && s[j-1] == ' ' {
		j--
	}
	for _, o := range templateOpeners {
		if strings.HasSuffix(s[:j], o) {
			return true
		}
	}
	return false
}

// concatenatedLiteral reports whether s[i:] (maybe after a call's name
// and parenthesis) is a quoted literal of at
// most 128 bytes that reaches no secret file, followed by a
// concatenation (+, . or %): the argument of an exec sink in code that
// builds a command ('ping -c 1 ' + host), which someone shows to ask
// about it.
func concatenatedLiteral(s string, i int) bool {
	i = skipSpace(s, i)
	if w := wordAt(s, i); w != "" && i+len(w) < len(s) && s[i+len(w)] == '(' {
		i = skipSpace(s, i+len(w)+1) // subprocess.run(
	}
	if i >= len(s) || s[i] != '\'' && s[i] != '"' {
		return false
	}
	end := strings.IndexByte(s[i+1:min(len(s), i+129)], s[i])
	if end < 0 || reachesSecret(s[i+1:i+1+end]) {
		return false
	}
	j := skipSpace(s, i+2+end)
	return j < len(s) && strings.IndexByte("+.%", s[j]) >= 0
}

// pipesToShell finds the pipes into sh or bash in s. found reports that
// there is one that ends the shell's name; asked that each of them ends a
// download a person asks about ([askedInstall]).
func pipesToShell(s string) (found, asked bool) {
	asked = true
	for i := strings.IndexByte(s, '|'); i >= 0; {
		j := skipSpace(s, i+1)
		if w := wordAt(s, j); w == "sh" || w == "bash" {
			found = true
			asked = asked && askedInstall(s, i)
		}
		n := strings.IndexByte(s[i+1:], '|')
		if n < 0 {
			break
		}
		i += 1 + n
	}
	return found, found && asked
}

// askedInstall reports whether the pipe at s[i] ends the download of an
// installer that a sentence talks about: within the line and 256 bytes
// before it, curl or wget after words of prose (run curl ..., the docs say
// wget ...), fetching an https URL of a named host, not of a bare IP
// address, with no other separator on the way.
// TODO: a host name is not judged; an installer from any named host over
// https is let through, since that is how real install scripts are shown.
func askedInstall(s string, i int) bool {
	lo := max(0, i-256)
	k := i
	for k > lo && strings.IndexByte(";|&\n`", s[k-1]) < 0 {
		k--
	}
	seg := s[k:i]
	c := max(strings.Index(seg, "curl "), strings.Index(seg, "wget "))
	inSpan := c == 0 && k > 0 && s[k-1] == '`' // I keep seeing `curl … | sh`
	if c < 0 || valueLike(s[:k+c]) || !inSpan && (c == 0 || !isSpace(seg[c-1])) {
		return false
	}
	u := strings.Index(seg[c:], "https://")
	return u > 0 && namedHost(seg[c+u+len("https://"):])
}

// namedHost reports whether the URL text host starts with is a domain
// name (letters in its last label), not an IP address or a bare word.
func namedHost(host string) bool {
	end := 0
	for end < len(host) && (isWordByte(host[end]) || host[end] == '.' || host[end] == '-') {
		end++
	}
	h := host[:end]
	dot := strings.LastIndexByte(h, '.')
	return dot > 0 && dot+1 < len(h) && isAlpha(h[dot+1])
}
