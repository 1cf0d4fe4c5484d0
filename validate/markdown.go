package validate

import "strings"

// codeRegion is a piece of markdown code in a text: an inline code span
// (`ls -la`) or a fenced block (```bash ... ```). s[start:end] is the whole
// region with its delimiters, s[body:bodyEnd] the code alone.
type codeRegion struct {
	start, end    int
	body, bodyEnd int
	fenced        bool
}

// contains reports whether s[i] is in r.
func (r codeRegion) contains(i int) bool { return r.start <= i && i < r.end }

// maxSpanTicks is the longest run of backticks read as a code span's
// delimiter; longer runs are left as text.
const maxSpanTicks = 8

// codeCursor finds the markdown code regions of a text in order, reading
// the text once however many offsets it is asked about, as long as they do
// not decrease. The zero value with s set is ready to use.
//
// It reads a simplified CommonMark: a fence is a line of three or more
// backticks or tildes after at most three spaces, with at most a language
// name after it, closed by a line of at least as many of the same; an
// inline span opens with a run of backticks and closes with the next run
// of the same length on the same line.
// TODO: an inline span that continues on the next line of its paragraph
// and an unclosed fence (which CommonMark runs to the end) are read as
// text: they are rare in chat, and a fence that hid everything after it
// would let a payload hide behind three backticks.
type codeCursor struct {
	s    string
	pos  int        // s[:pos] has been read
	cur  codeRegion // the last region found
	done bool       // no region after cur
	// noClose[n] is the end of a line on which no run of n backticks
	// after pos closes a span, so later openers of n there fail at once.
	noClose [maxSpanTicks + 1]int
	// unclosed[k] is the shortest fence of backticks (k 0) or tildes
	// (k 1) found unclosed: no line after it closes a longer one either.
	unclosed [2]int
}

// at returns the code region holding s[i] and true, or false when s[i]
// is text. i must not be less than in the previous call.
func (c *codeCursor) at(i int) (codeRegion, bool) {
	for !c.done && c.cur.end <= i {
		r, ok := c.next()
		if !ok {
			c.done = true
			break
		}
		c.cur = r
	}
	if c.cur.contains(i) {
		return c.cur, true
	}
	return codeRegion{}, false
}

// next reads on from c.pos to the next code region.
func (c *codeCursor) next() (codeRegion, bool) {
	s := c.s
	for i := c.pos; i < len(s); {
		if i == 0 || s[i-1] == '\n' {
			if r, ok := c.fenceAt(i); ok {
				c.pos = r.end
				return r, true
			}
		}
		if s[i] != '`' {
			i++
			continue
		}
		n := tickRun(s, i)
		if r, ok := c.spanAt(i, n); ok {
			c.pos = r.end
			return r, true
		}
		i += n
	}
	c.pos = len(s)
	return codeRegion{}, false
}

// spanAt returns the inline code span opened by the run of n backticks at
// s[i], if the same line holds a run of exactly n after it.
func (c *codeCursor) spanAt(i, n int) (codeRegion, bool) {
	s := c.s
	if n > maxSpanTicks || c.noClose[n] > i {
		return codeRegion{}, false
	}
	for j := i + n; j < len(s) && s[j] != '\n'; {
		if s[j] != '`' {
			j++
			continue
		}
		m := tickRun(s, j)
		if m == n {
			return codeRegion{start: i, end: j + n, body: i + n, bodyEnd: j}, true
		}
		j += m
	}
	c.noClose[n] = lineEnd(s, i)
	return codeRegion{}, false
}

// fenceAt returns the fenced block whose opening line starts at s[i], if
// that line is a fence and a closing fence follows.
func (c *codeCursor) fenceAt(i int) (codeRegion, bool) {
	s, j := c.s, i
	for j < len(s) && j-i < 3 && s[j] == ' ' {
		j++
	}
	if j >= len(s) || s[j] != '`' && s[j] != '~' {
		return codeRegion{}, false
	}
	ch, n := s[j], runOf(s, j, s[j])
	k := btoi(ch == '~')
	if n < 3 || n > maxSpanTicks || c.unclosed[k] > 0 && n >= c.unclosed[k] ||
		!infoString(s[j+n:lineEnd(s, j)]) {
		return codeRegion{}, false
	}
	body := lineEnd(s, j) + 1
	for l := body; l < len(s); l = lineEnd(s, l) + 1 {
		if e := lineEnd(s, l); closesFence(s[l:e], ch, n) {
			return codeRegion{start: i, end: e, body: body, bodyEnd: l, fenced: true}, true
		}
	}
	c.unclosed[k] = n
	return codeRegion{}, false
}

// infoString reports whether the rest of a fence's opening line is empty
// or a language name (bash, c++, objective-c), maybe between spaces.
func infoString(rest string) bool {
	i := skipSpace(rest, 0)
	for i < len(rest) && (isWordByte(rest[i]) || rest[i] == '+' || rest[i] == '-' ||
		rest[i] == '#' || rest[i] == '.') {
		i++
	}
	return skipSpace(rest, i) == len(rest)
}

// closesFence reports whether line closes a fence of n bytes ch: at most
// three spaces, at least n of ch, then only white space.
func closesFence(line string, ch byte, n int) bool {
	j := 0
	for j < len(line) && j < 3 && line[j] == ' ' {
		j++
	}
	m := runOf(line, j, ch)
	return m >= n && skipSpace(line, j+m) == len(line)
}

// setOff reports whether r stands apart from the text around it, as code
// shown in a sentence does: the start or end, white space, brackets,
// punctuation or a letter of another script than Latin on either side,
// not a word or a value glued to it (web01`id`.corp, name=`id`). A fenced
// block always stands apart.
func (r codeRegion) setOff(s string) bool {
	if r.fenced {
		return true
	}
	if r.start > 0 && s[r.start-1] == ':' {
		// After a colon (run this:`...`, or a CJK full-width colon
		// folded to ASCII) only a command line with arguments is shown;
		// a single word is glued to a key (host:`id`).
		return strings.IndexByte(s[r.body:r.bodyEnd], ' ') >= 0 && closerSetOff(s, r.end)
	}
	return (r.start == 0 || openerSetOff(s[r.start-1])) && closerSetOff(s, r.end)
}

// openerSetOff reports whether c, the byte before an inline span, sets
// it off: white space, an opening bracket, emphasis, or a byte of a
// multi-byte character (Korean, Chinese, a typographic quote).
func openerSetOff(c byte) bool {
	return isSpace(c) || c >= 0x80 || c == '(' || c == '[' || c == '*' || c == '_' || c == '>'
}

// closerSetOff reports whether what follows an inline span at s[i] sets
// it off: the end, white space, a byte of a multi-byte character, a
// closing bracket or emphasis, or punctuation that ends a phrase (a full
// stop not followed by a word, as in .corp).
func closerSetOff(s string, i int) bool {
	if i >= len(s) || isSpace(s[i]) || s[i] >= 0x80 {
		return true
	}
	switch s[i] {
	case ')', ']', '*', '_':
		return true
	case '.', ',', ':', '!', '?':
		return i+1 == len(s) || !isWordByte(s[i+1])
	}
	return false
}

// tickRun returns the length of the run of backticks at s[i].
func tickRun(s string, i int) int { return runOf(s, i, '`') }

// runOf returns the length of the run of byte c at s[i].
func runOf(s string, i int, c byte) int {
	j := i
	for j < len(s) && s[j] == c {
		j++
	}
	return j - i
}

// lineEnd returns the index of the line feed ending the line that holds
// s[i], or len(s).
func lineEnd(s string, i int) int {
	for i < len(s) && s[i] != '\n' {
		i++
	}
	return i
}
