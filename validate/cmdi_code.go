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
	r, ok := c.md.at(i)
	if !ok {
		return false
	}
	if !c.valid || r != c.last {
		c.last, c.valid = r, true
		c.shown = r.setOff(c.s) && !c.whole(r) && !inTemplateTag(c.s, r.start) &&
			!reachesSecret(c.s[r.body:r.bodyEnd])
	}
	return c.shown
}

// whole reports whether r is all of the text but white space: a value
// that is one backtick substitution (`id`) is not code in a sentence.
func (c *shownCode) whole(r codeRegion) bool {
	return c.lead >= r.start && skipSpace(c.s, r.end) == len(c.s)
}

// secretFiles are files only an attacker wants a command to read, even
// inside code shown in a sentence.
var secretFiles = []string{"/etc/passwd", "/etc/shadow", "/etc/sudoers", "/proc/self/environ",
	"/.ssh/id_"}

// reachesSecret reports whether code names one of secretFiles.
func reachesSecret(code string) bool {
	if strings.IndexByte(code, '/') < 0 {
		return false
	}
	for _, f := range secretFiles {
		if strings.Contains(code, f) {
			return true
		}
	}
	return false
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
